import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

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
var __webpack_exports__ = {};
// This entry need to be wrapped in an IIFE because it uses a non-standard name for the exports (exports).
(() => {
var exports = __webpack_exports__;

Object.defineProperty(exports, "B", ({ value: true }));
/**
 * The hashing worker thread: sha256 and size of each file path it is sent, one at a time,
 * with one reused 4 MB buffer. A module of its own (type-checked like the rest), bundled as
 * dist/train/hash-worker.js beside the action; from sources Node runs this file directly
 * (it uses only erasable TypeScript, which Node >= 22.18 strips).
 */
const node_fs_1 = __nccwpck_require__(24);
const node_crypto_1 = __nccwpck_require__(598);
const node_worker_threads_1 = __nccwpck_require__(919);
const buffer = Buffer.allocUnsafe(4 << 20);
function hashOne(path) {
    const hash = (0, node_crypto_1.createHash)('sha256');
    const fd = (0, node_fs_1.openSync)(path, 'r');
    try {
        let size = 0;
        for (;;) {
            const n = (0, node_fs_1.readSync)(fd, buffer, 0, buffer.length, null);
            if (n === 0)
                break;
            hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
            size += n;
        }
        return { sha256: hash.digest('hex'), size };
    }
    finally {
        (0, node_fs_1.closeSync)(fd);
    }
}
node_worker_threads_1.parentPort?.on('message', ({ id, path }) => {
    let reply;
    try {
        reply = { id, ...hashOne(path) };
    }
    catch (error) {
        reply = { id, error: error instanceof Error ? error.message : String(error) };
    }
    node_worker_threads_1.parentPort.postMessage(reply);
});

})();

var __webpack_exports___esModule = __webpack_exports__.B;
export { __webpack_exports___esModule as __esModule };
