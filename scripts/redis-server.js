// A real Redis for the many-instance tests and the server benchmark: Debian's redis-server on a free loopback
// port, without persistence, started and stopped by pid.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A port nothing listens on now. */
export const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

/**
 * redis-server on 127.0.0.1:`port` (a free one by default), resolving once it accepts connections. `kill()`
 * stops it at once (SIGKILL, as a crash), `start()` starts it again on the same port, empty; `freeze()` and
 * `thaw()` stop and resume the process (SIGSTOP, SIGCONT): its connections stay open, and nothing answers.
 */
export async function startRedis(port) {
  port ??= await freePort();
  let child;
  const start = () =>
    new Promise((resolve, reject) => {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => {
        output += chunk;
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output.slice(-500)}`)));
    });
  await start();
  const kill = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', resolve);
      process.kill(child.pid, 'SIGKILL');
    });
  const thaw = () => process.kill(child.pid, 'SIGCONT');
  const freeze = () => process.kill(child.pid, 'SIGSTOP');
  return { port, url: `redis://127.0.0.1:${port}`, start, kill, freeze, thaw, close: () => (thaw(), kill()) };
}
