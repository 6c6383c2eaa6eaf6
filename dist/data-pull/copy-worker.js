import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 973:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "BJ", ({ value: true }));
exports.UG = exports.vh = exports.f7 = exports.DH = exports.eG = void 0;
exports.S0 = writeNewFile;
exports.Ez = copyJobs;
/**
 * Small workspace copies made from cache files, by the main thread and a helper thread at once
 * (small-copies.ts starts the helper and hands out rounds of jobs). Both threads run the same
 * loop over one round, taking job numbers from a counter in shared memory, so neither waits
 * for the other and a helper that starts late (or not at all) only leaves more to the main
 * thread. Creating a file is mostly kernel time; on this kind of job two threads make ~1.3x
 * the files per second of one, where async copies on libuv's pool were slower than one
 * synchronous loop (a promise and a pool round trip per 4 KB file).
 *
 * This module is also the helper thread's entry point (bundled as dist/data-pull/copy-worker.js;
 * from sources Node runs this file itself, stripping its types), so it imports only Node's own
 * modules and uses only erasable TypeScript.
 */
const node_fs_1 = __nccwpck_require__(24);
const node_worker_threads_1 = __nccwpck_require__(919);
/** What each job ended as, in CopyRound.status. PENDING after a round: not done (never taken, failed, or taken by a helper that died): the caller makes it by its slower path, which reports any error itself. */
exports.eG = 0;
exports.DH = 1;
/** Something stood at the destination: the caller's slower path decides what to do with it. */
exports.f7 = 2;
/** Fields per job in CopyRound.stats: what the state records of the file written. */
exports.vh = 4; // size, mtimeMs, ctimeMs, ino
/** The helper thread's marker in workerData: other code bundled with this module never starts it by mistake. */
exports.UG = 'mlops-dvc-small-copies';
/**
 * Creates `dest` exclusively with `body` (or the bytes of the file `body` names), mode 0o666
 * less the umask, and returns its fstat; undefined when something already stood there. A
 * failure removes the file it created and throws.
 */
function writeNewFile(dest, body) {
    let fd;
    try {
        fd = (0, node_fs_1.openSync)(dest, 'wx', 0o666);
    }
    catch (error) {
        if (error.code === 'EEXIST')
            return undefined;
        throw error;
    }
    try {
        const bytes = typeof body === 'string' ? (0, node_fs_1.readFileSync)(body) : body;
        // a write may take fewer bytes than given
        for (let at = 0; at < bytes.length;)
            at += (0, node_fs_1.writeSync)(fd, bytes, at, bytes.length - at);
        const st = (0, node_fs_1.fstatSync)(fd);
        (0, node_fs_1.closeSync)(fd);
        return st;
    }
    catch (error) {
        (0, node_fs_1.closeSync)(fd);
        (0, node_fs_1.rmSync)(dest, { force: true });
        throw error;
    }
}
/**
 * Takes jobs of `round` until none is left. The first failure (in any thread) stops every
 * thread: its job stays PENDING, and the caller's slower path meets the same error and reports it.
 */
function copyJobs(round) {
    const { srcs, dests, control, status, stats } = round;
    while (Atomics.load(control, 1) === 0) {
        const i = Atomics.add(control, 0, 1);
        if (i >= srcs.length)
            return;
        let st;
        try {
            st = writeNewFile(dests[i], srcs[i]);
        }
        catch {
            Atomics.store(control, 1, 1);
            return;
        }
        if (st === undefined) {
            Atomics.store(status, i, exports.f7);
            continue;
        }
        const at = i * exports.vh;
        stats[at] = st.size;
        stats[at + 1] = st.mtimeMs;
        stats[at + 2] = st.ctimeMs;
        stats[at + 3] = st.ino;
        Atomics.store(status, i, exports.DH);
    }
}
// The helper thread: takes its share of each round it is sent, then says so.
if (!node_worker_threads_1.isMainThread && node_worker_threads_1.workerData?.kind === exports.UG) {
    node_worker_threads_1.parentPort?.on('message', (round) => {
        copyJobs(round);
        node_worker_threads_1.parentPort?.postMessage('done');
    });
}


/***/ }),

/***/ 24:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module is referenced by other modules so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(973);
/******/ var __webpack_exports__DONE = __webpack_exports__.DH;
/******/ var __webpack_exports__EXISTS = __webpack_exports__.f7;
/******/ var __webpack_exports__PENDING = __webpack_exports__.eG;
/******/ var __webpack_exports__STAT_FIELDS = __webpack_exports__.vh;
/******/ var __webpack_exports__WORKER_KIND = __webpack_exports__.UG;
/******/ var __webpack_exports___esModule = __webpack_exports__.BJ;
/******/ var __webpack_exports__copyJobs = __webpack_exports__.Ez;
/******/ var __webpack_exports__writeNewFile = __webpack_exports__.S0;
/******/ export { __webpack_exports__DONE as DONE, __webpack_exports__EXISTS as EXISTS, __webpack_exports__PENDING as PENDING, __webpack_exports__STAT_FIELDS as STAT_FIELDS, __webpack_exports__WORKER_KIND as WORKER_KIND, __webpack_exports___esModule as __esModule, __webpack_exports__copyJobs as copyJobs, __webpack_exports__writeNewFile as writeNewFile };
/******/ 
