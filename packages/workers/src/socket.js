/** Swallows a promise's rejection (stream promises the adapter does not wait on must never go unhandled). */
export function ignoreRejection(promise) {
  promise.catch(() => {});
}
