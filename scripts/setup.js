// What the tests need from the machine, checked before `npm test` (and, with --browsers, before the Firefox and
// WebKit runs in .ci/run): as root on Debian, what is missing is installed with apt-get (saying so); elsewhere
// this says what to install. Missing optional pieces only skip the tests that need them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromePath } from './chrome-path.js';

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const hasChrome = () => {
  try {
    return Boolean(chromePath());
  } catch {
    return false;
  }
};

/** Each need: what it is, what it is for, whether tests fail without it, and its Debian packages. */
const needs = [
  { what: 'Chromium (or Chrome, via CHROME_PATH)', for: 'the browser suite', required: true, present: hasChrome, packages: ['chromium'] },
  {
    what: 'the DejaVu fonts',
    for: 'the reference screenshots',
    required: true,
    present: () => process.platform !== 'linux' || existsSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'),
    packages: ['fonts-dejavu-core'],
  },
  { what: 'Kamailio', for: 'the real-call test', present: () => existsSync('/usr/sbin/kamailio'), packages: ['kamailio'] },
  {
    what: "Kamailio's WebSocket module",
    for: 'the real-call test',
    present: () => existsSync('/usr/lib/x86_64-linux-gnu/kamailio/modules/websocket.so'),
    packages: ['kamailio-websocket-modules'],
  },
  { what: 'iproute2 (ip)', for: 'the real-call test', present: () => has('ip'), packages: ['iproute2'] },
  { what: 'coturn (turnserver)', for: 'the real-call test through TURN', present: () => has('turnserver'), packages: ['coturn'] },
  { what: 'nftables (nft)', for: 'the real-call test through TURN (direct paths cut)', present: () => has('nft'), packages: ['nftables'] },
  { what: 'Redis', for: 'the token service\'s many-instance tests', required: true, present: () => has('redis-server'), packages: ['redis-server'] },
];
const browserNeeds = [
  { what: 'Firefox ESR', for: 'the Firefox run', required: true, present: () => has('firefox-esr'), packages: ['firefox-esr'] },
  { what: 'WebKitWebDriver', for: 'the WebKit run', required: true, present: () => has('WebKitWebDriver'), packages: ['webkit2gtk-driver'] },
  { what: 'Xvfb', for: 'the WebKit run', required: true, present: () => has('xvfb-run'), packages: ['xvfb', 'xauth'] },
];

const wanted = process.argv.includes('--browsers') ? [...needs, ...browserNeeds] : needs;
const missing = wanted.filter((need) => !need.present());
if (missing.length === 0) process.exit(0);

const canInstall = process.getuid?.() === 0 && existsSync('/etc/debian_version') && has('apt-get');
if (canInstall) {
  const packages = missing.flatMap((need) => need.packages);
  console.log(`setup: installing ${packages.join(' ')} (${missing.map((need) => `${need.what}, for ${need.for}`).join('; ')})`);
  const apt = (...args) =>
    spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status;
  if (apt('update', '-qq') !== 0 || apt('install', '-y', '-qq', '--no-install-recommends', ...packages) !== 0) {
    console.error('setup: apt-get failed; install those packages by hand');
    process.exit(1);
  }
  process.exit(0);
}

for (const need of missing) {
  const line = `${need.what} is missing, for ${need.for}${need.required ? '' : ' (skipped without it)'}: Debian package ${need.packages.join(' ')}`;
  (need.required ? console.error : console.log)(`setup: ${line}`);
}
process.exit(missing.some((need) => need.required) ? 1 : 0);
