// tsc writes dist/cli/main.js without the executable bit; `npx tensile` runs the bin directly, so
// set it here rather than rely on npm's bin linking, which happens before `prepare` builds dist/.
import { chmodSync } from 'node:fs';

chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
