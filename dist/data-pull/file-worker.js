import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 380:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "BJ", ({ value: true }));
exports.UG = exports.vh = exports.f7 = exports.DH = exports.eG = void 0;
exports.S0 = writeNewFile;
exports.Ag = runJobs;
/**
 * Many small files made by the main thread and helper threads at once (file-jobs.ts starts the
 * helpers and hands out rounds of jobs): workspace copies of cache files, and objects fetched
 * from a local-folder remote into the cache. Every thread runs the same loop over a
 * round, taking job numbers from a counter in shared memory, so none waits for another and a
 * helper that starts late (or not at all) only leaves more to the main thread. Making a file
 * is mostly kernel time; two threads make ~1.3-1.5x the files per second of one here, where
 * async calls on libuv's pool were slower than one synchronous loop (a promise and a pool
 * round trip per 4 KB file).
 *
 * A job that cannot be done here the simple way (something stands at the destination, the
 * source is missing, large or not what its name says, a write fails) is left PENDING: the
 * caller's general path does it and reports its errors, so those exist only once.
 *
 * This module is also the helpers' entry point (bundled as dist/data-pull/file-worker.js; from
 * sources Node runs this file itself, stripping its types), so it uses only erasable
 * TypeScript and imports only Node's own modules and storage's `small-files` (which does too).
 */
const node_crypto_1 = __nccwpck_require__(598);
const node_fs_1 = __nccwpck_require__(24);
const node_worker_threads_1 = __nccwpck_require__(919);
// its own subpath: Node's own modules only, so this thread can load it from sources too
const small_files_1 = __nccwpck_require__(288);
/** What each job ended as, in FileRound.status (PENDING: not done, see above). */
exports.eG = 0;
exports.DH = 1;
/** Something stood at a copy's destination: the caller's path decides what to do with it. */
exports.f7 = 2;
/** Fields per job in FileRound.stats: the fstat of the file written (a fetch fills only the size). */
exports.vh = 4; // size, mtimeMs, ctimeMs, ino
/** The helper threads' marker in workerData: other code bundled with this module never starts it by mistake. */
exports.UG = 'mlops-dvc-file-jobs';
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
        (0, small_files_1.writeAllSync)(fd, typeof body === 'string' ? (0, node_fs_1.readFileSync)(body) : body);
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
function copyJob(round, i) {
    const st = writeNewFile(round.dests[i], round.srcs[i]);
    return st === undefined ? exports.f7 : report(round, i, st);
}
/** The stats of the file job `i` wrote, for the state. */
function report(round, i, st) {
    const at = i * exports.vh;
    round.stats[at] = st.size;
    round.stats[at + 1] = st.mtimeMs;
    round.stats[at + 2] = st.ctimeMs;
    round.stats[at + 3] = st.ino;
    return exports.DH;
}
function fetchJob(round, i) {
    let body;
    try {
        body = (0, small_files_1.readSmallFile)(round.srcs[i], round.maxSize);
    }
    catch {
        return exports.eG; // unreadable: the general path says why
    }
    if (typeof body === 'string' || (0, node_crypto_1.createHash)('md5').update(body).digest('hex') !== round.oids[i])
        return exports.eG;
    const temp = round.temps[i];
    const fd = (0, node_fs_1.openSync)(temp, 'wx', round.mode);
    try {
        try {
            (0, small_files_1.writeAllSync)(fd, body);
            (0, node_fs_1.fchmodSync)(fd, round.mode); // the mode whatever the umask took from it
        }
        finally {
            (0, node_fs_1.closeSync)(fd);
        }
        (0, node_fs_1.renameSync)(temp, round.dests[i]);
    }
    catch (error) {
        (0, node_fs_1.rmSync)(temp, { force: true });
        throw error;
    }
    round.stats[i * exports.vh] = body.length;
    return exports.DH;
}
/**
 * Takes jobs of `round` until none is left. The first failure (in any thread) stops every
 * thread: its job stays PENDING, and the caller's general path meets the same error and reports it.
 */
function runJobs(round) {
    const { control, status } = round;
    const job = round.kind === 'copy' ? copyJob : fetchJob;
    while (Atomics.load(control, 1) === 0) {
        const i = Atomics.add(control, 0, 1);
        if (i >= round.srcs.length)
            return;
        let outcome;
        try {
            outcome = job(round, i);
        }
        catch {
            Atomics.store(control, 1, 1);
            return;
        }
        Atomics.store(status, i, outcome);
    }
}
// A helper thread: takes its share of each round it is sent, then says so.
if (!node_worker_threads_1.isMainThread && node_worker_threads_1.workerData?.kind === exports.UG) {
    node_worker_threads_1.parentPort?.on('message', (round) => {
        runJobs(round);
        node_worker_threads_1.parentPort?.postMessage('done');
    });
}


/***/ }),

/***/ 288:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.isAbsent = isAbsent;
exports.writeAllSync = writeAllSync;
exports.readSmallFile = readSmallFile;
/**
 * The synchronous read and write of one small file, shared by LocalStore and the pull's
 * helper threads (packages/dvc/src/file-worker.ts). Its own package subpath
 * (`@mlops-gha/storage/small-files`), importing only Node's own modules and using only
 * erasable TypeScript: a helper thread run from sources loads it through Node's type
 * stripping, which cannot follow the rest of the package's `.js` specifiers to `.ts` files.
 */
const node_fs_1 = __nccwpck_require__(24);
/** Nothing at a path: nothing there (ENOENT), or a part of it is a file (ENOTDIR), as S3 answers 404 for a key. */
function isAbsent(error) {
    const code = error.code;
    return code === 'ENOENT' || code === 'ENOTDIR';
}
/** Writes all of `bytes` at the file's position (a write may take fewer bytes than given). */
function writeAllSync(fd, bytes) {
    for (let at = 0; at < bytes.length;)
        at += (0, node_fs_1.writeSync)(fd, bytes, at, bytes.length - at);
}
/**
 * A file's bytes when it is a regular file of at most `maxSize` bytes (one open, fstat, read
 * and close); 'large' when it is bigger, 'missing' when nothing is there (ENOENT, or a part of
 * the path is a file: ENOTDIR) or it is not a regular file. Other errors are thrown. A file
 * shorter than its stat said (being rewritten) gives what was read: a caller that checks a
 * digest sees the difference.
 */
function readSmallFile(path, maxSize) {
    let fd;
    try {
        // O_NONBLOCK: a FIFO planted at the path opens at once (then is refused as not a regular
        // file) instead of blocking forever; regular files ignore the flag
        fd = (0, node_fs_1.openSync)(path, node_fs_1.constants.O_RDONLY | (node_fs_1.constants.O_NONBLOCK ?? 0));
    }
    catch (error) {
        if (isAbsent(error))
            return 'missing';
        throw error;
    }
    try {
        const st = (0, node_fs_1.fstatSync)(fd);
        if (!st.isFile())
            return 'missing';
        if (st.size > maxSize)
            return 'large';
        const body = Buffer.allocUnsafe(st.size);
        let n = 0;
        for (let r = 1; n < body.length && r > 0; n += r)
            r = (0, node_fs_1.readSync)(fd, body, n, body.length - n, null);
        return n === body.length ? body : body.subarray(0, n);
    }
    finally {
        (0, node_fs_1.closeSync)(fd);
    }
}


/***/ }),

/***/ 598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

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
/******/ var __webpack_exports__ = __nccwpck_require__(380);
/******/ var __webpack_exports__DONE = __webpack_exports__.DH;
/******/ var __webpack_exports__EXISTS = __webpack_exports__.f7;
/******/ var __webpack_exports__PENDING = __webpack_exports__.eG;
/******/ var __webpack_exports__STAT_FIELDS = __webpack_exports__.vh;
/******/ var __webpack_exports__WORKER_KIND = __webpack_exports__.UG;
/******/ var __webpack_exports___esModule = __webpack_exports__.BJ;
/******/ var __webpack_exports__runJobs = __webpack_exports__.Ag;
/******/ var __webpack_exports__writeNewFile = __webpack_exports__.S0;
/******/ export { __webpack_exports__DONE as DONE, __webpack_exports__EXISTS as EXISTS, __webpack_exports__PENDING as PENDING, __webpack_exports__STAT_FIELDS as STAT_FIELDS, __webpack_exports__WORKER_KIND as WORKER_KIND, __webpack_exports___esModule as __esModule, __webpack_exports__runJobs as runJobs, __webpack_exports__writeNewFile as writeNewFile };
/******/ 
