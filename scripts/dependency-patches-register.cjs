// `node --require ./scripts/dependency-patches-register.cjs …`: the dependency patches of the bundles, applied to the
// unbundled code this process loads (see scripts/dependency-patches.cjs).
'use strict';
require('./dependency-patches.cjs').register();
