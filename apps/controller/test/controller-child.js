// Child process for kill9.int-spec.ts: the whole embedded DaemonLedger on the
// SQLite log in DATA_DIR (argv[2]), driving one rolling update to its end.
// It prints READY (pods all available), ROLLING (the image change is in the
// log) and DONE; the parent SIGKILLs it at random moments in between.
require('../../../libs/testing/swc-register');
require('./controller-child.ts');
