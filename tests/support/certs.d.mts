/** PEM strings of a test CA, a server certificate it signed (localhost, 127.0.0.1, ::1) and that certificate's key. */
export interface TestCertificates {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/** Makes a fresh CA and a server certificate it signs for DNS localhost and IPs 127.0.0.1 and ::1. */
export function generateTestCertificates(): Promise<TestCertificates>;

/** Generates test certificates and writes ca.pem, cert.pem and key.pem into `dir`. */
export function writeTestCertificates(dir: string): Promise<TestCertificates>;

/**
 * The test certificates of this process: the matrix runner's (`ca.pem`, `cert.pem`, `key.pem` in the
 * directory env `SANSIO_TLS_DIR` names) when it is set, else ones generated once.
 */
export function testCertificates(): Promise<TestCertificates>;
