interface Env {
  /** A network service (loopback) whose TLS trusts the test CA; the global outbound trusts only public CAs. */
  readonly TEST_CA: Fetcher;
}
declare const _default: {
  fetch(request: Request, env: Env): Promise<Response>;
};
export default _default;
