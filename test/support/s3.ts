/**
 * An S3-compatible server for tests: `s3rver` on a free loopback port, storing in a temp
 * directory, with one bucket. Nothing leaves the machine.
 */
// @ts-expect-error s3rver ships no types; it is used only here, through the few calls below.
import S3rver from 's3rver';
import { makeTempDir } from './temp-dir.js';

export interface TestS3 {
  /** The environment an S3 client needs to reach the server. */
  readonly env: NodeJS.ProcessEnv;
  readonly bucket: string;
  close(): Promise<void>;
}

export async function startTestS3(bucket = 'sluice-test'): Promise<TestS3> {
  const dir = makeTempDir();
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir.path, configureBuckets: [{ name: bucket }] });
  const { port } = (await server.run()) as { port: number };
  return {
    bucket,
    env: {
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_REGION: 'us-east-1',
      // s3rver accepts its well-known development credentials.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    },
    close: async () => {
      await server.close();
      dir.remove();
    },
  };
}
