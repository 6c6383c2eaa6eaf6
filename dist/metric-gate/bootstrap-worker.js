import * as __WEBPACK_EXTERNAL_MODULE_onnxruntime_node_6a60201e__ from "onnxruntime-node";
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 9696:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.UserError = void 0;
exports.isUserError = isUserError;
exports.describeError = describeError;
/**
 * An error caused by the user's input or environment rather than by a bug: its message says
 * what is wrong and where, `fix` says what to do. Actions turn it into a failed step with an
 * annotation on `location`; CLIs print it without a stack trace.
 */
class UserError extends Error {
    fix;
    location;
    title;
    constructor(message, details = {}) {
        super(message, details.cause === undefined ? undefined : { cause: details.cause });
        this.name = 'UserError';
        this.fix = details.fix;
        this.location = details.location;
        this.title = details.title;
    }
    /** The message followed by the fix, as printed to a user. */
    describe() {
        return describeError(this);
    }
}
exports.UserError = UserError;
function isUserError(error) {
    return error instanceof UserError || (error instanceof Error && error.name === 'UserError');
}
/**
 * A message for any thrown value: the user-facing description for a UserError, else the message.
 * Built from the fields, not by calling `describe()`: an error recognised by its name alone
 * (another copy of this module, or one rebuilt from its fields) may not have the method.
 */
function describeError(error) {
    if (isUserError(error)) {
        const fix = error.fix;
        return fix ? `${error.message}\nFix: ${fix}` : error.message;
    }
    if (error instanceof Error)
        return error.message;
    return String(error);
}


/***/ }),

/***/ 1516:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.formatBytes = formatBytes;
exports.formatRate = formatRate;
exports.formatDuration = formatDuration;
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];
/**
 * Bytes in SI units with three significant digits: `310 MB`, `1.25 GB`, `512 B`. The value is
 * rounded before the unit is chosen, so 999 999 B is `1.00 MB` (not `1000 kB`) and a rate of a
 * few bytes a second shows whole bytes.
 */
function formatBytes(bytes) {
    if (!Number.isFinite(bytes) || bytes < 0)
        return `${bytes} B`;
    let value = bytes;
    let unit = 0;
    let shown = Math.round(value);
    while (shown >= 1000 && unit < UNITS.length - 1) {
        value /= 1000;
        unit += 1;
        shown = Number(value.toPrecision(3));
    }
    if (unit === 0)
        return `${shown} B`;
    const digits = shown >= 100 ? 0 : shown >= 10 ? 1 : 2;
    return `${shown.toFixed(digits)} ${UNITS[unit]}`;
}
/** A throughput such as `48 MB/s`. */
function formatRate(bytes, seconds) {
    if (seconds <= 0)
        return '- MB/s';
    return `${formatBytes(bytes / seconds)}/s`;
}
/**
 * A duration as `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`. Each step rounds first, so
 * 59.96 s is `1 min 00 s`, not `60.0 s`.
 */
function formatDuration(ms) {
    if (!Number.isFinite(ms) || ms < 0)
        return `${ms} ms`;
    if (Math.round(ms) < 1000)
        return `${Math.round(ms)} ms`;
    const tenths = Math.round(ms / 100);
    if (tenths < 600)
        return `${(tenths / 10).toFixed(1)} s`;
    const totalSeconds = Math.round(ms / 1000);
    const minutes = Math.floor(totalSeconds / 60);
    if (minutes < 60)
        return `${minutes} min ${String(totalSeconds % 60).padStart(2, '0')} s`;
    return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}


/***/ }),

/***/ 5011:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.hashFile = hashFile;
const node_crypto_1 = __nccwpck_require__(7598);
const node_fs_1 = __nccwpck_require__(3024);
/** The hex digest of a file's bytes, streamed so that large models never sit in memory. */
async function hashFile(path, algorithm = 'sha256') {
    const hash = (0, node_crypto_1.createHash)(algorithm);
    for await (const chunk of (0, node_fs_1.createReadStream)(path, { highWaterMark: 1 << 20 }))
        hash.update(chunk);
    return hash.digest('hex');
}


/***/ }),

/***/ 8051:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.workerModuleBeside = exports.xoshiroState = exports.Xoshiro128 = exports.runContextFromEnv = exports.hashFile = exports.startProgressTicker = exports.ProgressMeter = exports.formatDuration = exports.formatRate = exports.formatBytes = exports.formatLocation = exports.RecordingLogger = exports.consoleLogger = exports.silentLogger = exports.describeError = exports.isUserError = exports.UserError = void 0;
var errors_js_1 = __nccwpck_require__(9696);
Object.defineProperty(exports, "UserError", ({ enumerable: true, get: function () { return errors_js_1.UserError; } }));
Object.defineProperty(exports, "isUserError", ({ enumerable: true, get: function () { return errors_js_1.isUserError; } }));
Object.defineProperty(exports, "describeError", ({ enumerable: true, get: function () { return errors_js_1.describeError; } }));
var logger_js_1 = __nccwpck_require__(9971);
Object.defineProperty(exports, "silentLogger", ({ enumerable: true, get: function () { return logger_js_1.silentLogger; } }));
Object.defineProperty(exports, "consoleLogger", ({ enumerable: true, get: function () { return logger_js_1.consoleLogger; } }));
Object.defineProperty(exports, "RecordingLogger", ({ enumerable: true, get: function () { return logger_js_1.RecordingLogger; } }));
Object.defineProperty(exports, "formatLocation", ({ enumerable: true, get: function () { return logger_js_1.formatLocation; } }));
var format_js_1 = __nccwpck_require__(1516);
Object.defineProperty(exports, "formatBytes", ({ enumerable: true, get: function () { return format_js_1.formatBytes; } }));
Object.defineProperty(exports, "formatRate", ({ enumerable: true, get: function () { return format_js_1.formatRate; } }));
Object.defineProperty(exports, "formatDuration", ({ enumerable: true, get: function () { return format_js_1.formatDuration; } }));
var progress_js_1 = __nccwpck_require__(944);
Object.defineProperty(exports, "ProgressMeter", ({ enumerable: true, get: function () { return progress_js_1.ProgressMeter; } }));
Object.defineProperty(exports, "startProgressTicker", ({ enumerable: true, get: function () { return progress_js_1.startProgressTicker; } }));
var hash_js_1 = __nccwpck_require__(5011);
Object.defineProperty(exports, "hashFile", ({ enumerable: true, get: function () { return hash_js_1.hashFile; } }));
var run_context_js_1 = __nccwpck_require__(9752);
Object.defineProperty(exports, "runContextFromEnv", ({ enumerable: true, get: function () { return run_context_js_1.runContextFromEnv; } }));
var random_js_1 = __nccwpck_require__(1176);
Object.defineProperty(exports, "Xoshiro128", ({ enumerable: true, get: function () { return random_js_1.Xoshiro128; } }));
Object.defineProperty(exports, "xoshiroState", ({ enumerable: true, get: function () { return random_js_1.xoshiroState; } }));
var worker_module_js_1 = __nccwpck_require__(6050);
Object.defineProperty(exports, "workerModuleBeside", ({ enumerable: true, get: function () { return worker_module_js_1.workerModuleBeside; } }));


/***/ }),

/***/ 9971:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.RecordingLogger = exports.silentLogger = void 0;
exports.consoleLogger = consoleLogger;
exports.formatLocation = formatLocation;
exports.silentLogger = {
    info() { },
    warning() { },
    debug() { },
};
/** A logger for command-line tools: info to stdout, warnings to stderr, debug when asked. */
function consoleLogger(options = {}) {
    return {
        info: (message) => process.stdout.write(`${message}\n`),
        warning: (message, location) => process.stderr.write(`warning: ${location ? `${formatLocation(location)}: ` : ''}${message}\n`),
        debug: (message) => {
            if (options.debug)
                process.stderr.write(`debug: ${message}\n`);
        },
    };
}
/** A logger that keeps what it was told, for tests and for summaries. */
class RecordingLogger {
    lines = [];
    info(message) {
        this.lines.push({ level: 'info', message });
    }
    warning(message, location) {
        this.lines.push({ level: 'warning', message, location });
    }
    debug(message) {
        this.lines.push({ level: 'debug', message });
    }
    messages(level) {
        return this.lines.filter((l) => !level || l.level === level).map((l) => l.message);
    }
}
exports.RecordingLogger = RecordingLogger;
function formatLocation(location) {
    let text = location.file;
    if (location.line !== undefined)
        text += `:${location.line}`;
    if (location.line !== undefined && location.column !== undefined)
        text += `:${location.column}`;
    return text;
}


/***/ }),

/***/ 944:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.ProgressMeter = void 0;
exports.startProgressTicker = startProgressTicker;
const format_js_1 = __nccwpck_require__(1516);
/**
 * Counts units (files, rows) and bytes of a long task and renders the line Actions logs show
 * every few seconds: `data-pull: 1200/20000 files, 310 MB, 48 MB/s`. The clock is injectable
 * so the rendering can be tested without waiting.
 */
class ProgressMeter {
    label;
    unit;
    total;
    now;
    done = 0;
    bytes = 0;
    startedAt;
    constructor(label, unit, total, now = Date.now) {
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.now = now;
        this.startedAt = now();
    }
    add(units, bytes = 0) {
        this.done += units;
        this.bytes += bytes;
    }
    addBytes(bytes) {
        this.bytes += bytes;
    }
    setTotal(total) {
        this.total = total;
    }
    snapshot() {
        return { done: this.done, total: this.total, bytes: this.bytes, elapsedMs: this.now() - this.startedAt };
    }
    line() {
        const { done, total, bytes, elapsedMs } = this.snapshot();
        const count = total === undefined ? `${done}` : `${done}/${total}`;
        return `${this.label}: ${count} ${this.unit}, ${(0, format_js_1.formatBytes)(bytes)}, ${(0, format_js_1.formatRate)(bytes, elapsedMs / 1000)}`;
    }
}
exports.ProgressMeter = ProgressMeter;
/**
 * Calls `emit` with the meter's line every `intervalMs` until the returned function is
 * called. The timer is unref'd so a forgotten ticker never keeps a process alive.
 */
function startProgressTicker(meter, emit, intervalMs = 5000) {
    const timer = setInterval(() => emit(meter.line()), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
}


/***/ }),

/***/ 1176:
/***/ ((__unused_webpack_module, exports) => {


/**
 * The project's one seeded generator: xoshiro128** (Blackman and Vigna) with its state seeded
 * through splitmix32, as the authors recommend. The bootstrap's resamples and the drift
 * profile's reservoir samples both draw from it, so the same seed gives the same draws
 * everywhere, on every Node version and thread count.
 */
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Xoshiro128 = void 0;
exports.xoshiroState = xoshiroState;
/** The four 32-bit state words (as signed int32, the form the generator steps on) for `seed`. */
function xoshiroState(seed) {
    const out = new Int32Array(4);
    let s = seed >>> 0;
    for (let i = 0; i < 4; i++) {
        s = (s + 0x9e3779b9) >>> 0;
        let z = s;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
        out[i] = (z ^ (z >>> 16)) | 0;
    }
    // An all-zero state would stay zero forever; the low bit of the last word rules it out.
    out[3] = out[3] | 1;
    return out;
}
/** xoshiro128**: uniform 32-bit draws from a seeded state. */
class Xoshiro128 {
    a;
    b;
    c;
    d;
    constructor(seed) {
        const state = xoshiroState(seed);
        this.a = state[0];
        this.b = state[1];
        this.c = state[2];
        this.d = state[3];
    }
    /** A uniform 32-bit unsigned integer. */
    nextUint32() {
        const x = ((this.b << 2) + this.b) | 0;
        const y = (x << 7) | (x >>> 25);
        const result = (((y << 3) + y) | 0) >>> 0;
        const t = this.b << 9;
        this.c ^= this.a;
        this.d ^= this.b;
        this.b ^= this.c;
        this.a ^= this.d;
        this.c ^= t;
        this.d = (this.d << 11) | (this.d >>> 21);
        return result;
    }
}
exports.Xoshiro128 = Xoshiro128;


/***/ }),

/***/ 9752:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.runContextFromEnv = runContextFromEnv;
function runContextFromEnv(env = process.env) {
    const v = (name) => (env[name] === undefined || env[name] === '' ? null : env[name]);
    const server = (v('GITHUB_SERVER_URL') ?? 'https://github.com').replace(/\/+$/, '');
    const repository = v('GITHUB_REPOSITORY');
    const runId = v('GITHUB_RUN_ID');
    const attempt = v('GITHUB_RUN_ATTEMPT');
    let runUrl = null;
    if (repository && runId) {
        runUrl = `${server}/${repository}/actions/runs/${runId}`;
        if (attempt && attempt !== '1')
            runUrl += `/attempts/${attempt}`;
    }
    return {
        repository,
        sha: v('GITHUB_SHA'),
        ref: v('GITHUB_REF'),
        actor: v('GITHUB_ACTOR'),
        workflow: v('GITHUB_WORKFLOW'),
        job: v('GITHUB_JOB'),
        runId,
        runAttempt: attempt,
        runUrl,
        runner: {
            name: v('RUNNER_NAME'),
            os: v('RUNNER_OS'),
            arch: v('RUNNER_ARCH'),
            environment: v('RUNNER_ENVIRONMENT'),
        },
    };
}


/***/ }),

/***/ 6050:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.workerModuleBeside = workerModuleBeside;
const node_fs_1 = __nccwpck_require__(3024);
const node_url_1 = __nccwpck_require__(3136);
/**
 * The worker module `name` beside the calling module (`callerUrl`: its import.meta.url):
 * `<name>.js` beside a bundle (scripts/build.mjs bundles workers beside their action's
 * index.js), else `<name>.ts` beside the source file; undefined when neither is there (a
 * bundle built without its worker), so the caller can do the work on its own thread. The
 * URL is computed rather than written as `new URL('./x.js', import.meta.url)`, a pattern the
 * bundler would inline as an asset.
 */
function workerModuleBeside(callerUrl, name) {
    const bundled = new URL(`./${name}.js`, callerUrl);
    if ((0, node_fs_1.existsSync)((0, node_url_1.fileURLToPath)(bundled)))
        return { url: bundled, fromSources: false };
    const source = new URL(`./${name}.ts`, callerUrl);
    if ((0, node_fs_1.existsSync)((0, node_url_1.fileURLToPath)(source)))
        return { url: source, fromSources: true };
    return undefined;
}


/***/ }),

/***/ 4042:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.classificationMetrics = classificationMetrics;
exports.oneHot = oneHot;
exports.ovoPairs = ovoPairs;
const common_1 = __nccwpck_require__(8051);
const confusion_metrics_js_1 = __nccwpck_require__(3816);
const curves_js_1 = __nccwpck_require__(306);
const metrics_js_1 = __nccwpck_require__(7277);
const ranking_js_1 = __nccwpck_require__(4038);
/** F-beta names every classification report has besides f1 (any other beta is asked for by name). */
const DEFAULT_BETAS = ['f0.5', 'f2'];
function mean(values) {
    let s = 0;
    for (let i = 0; i < values.length; i++)
        s += values[i];
    return s / values.length;
}
function sum(values) {
    let s = 0;
    for (let i = 0; i < values.length; i++)
        s += values[i];
    return s;
}
/** Undefined values (NaN) become null with a note, so nothing that is not a result looks like one. */
function put(values, notes, name, value, why) {
    if (Number.isNaN(value)) {
        values[name] = null;
        notes[name] ??= why;
    }
    else
        values[name] = value;
}
const ZD_NOTE = 'undefined: a denominator is zero (no predictions or no true rows of a class) and zero_division is NaN';
/** Every classification metric of the task, with scikit-learn's names. */
function classificationMetrics(task, input, options = {}) {
    const { truth, predicted, probabilities, k, classes } = input;
    if (truth.length === 0) {
        throw new common_1.UserError('Classification metrics of zero rows: an empty holdout has no accuracy, precision or recall', {
            fix: 'Evaluate on a holdout set with at least one row.',
        });
    }
    const zd = options.zeroDivision ?? 0;
    const values = {};
    const notes = {};
    const confusion = (0, metrics_js_1.confusionCounts)(truth, predicted, k);
    const counts = (0, confusion_metrics_js_1.classCounts)(confusion, k);
    const names = ['accuracy', 'accuracy_count', 'balanced_accuracy', 'matthews_corrcoef', 'cohen_kappa'];
    const fNames = ['precision', 'recall', 'f1', ...DEFAULT_BETAS];
    for (const extra of options.extra ?? []) {
        const base = extra.replace(/_(macro|micro|weighted)$/, '');
        if ((0, confusion_metrics_js_1.betaOf)(base) !== undefined && !fNames.includes(base))
            fNames.push(base);
    }
    if (task === 'binary')
        names.push(...fNames);
    else
        for (const avg of ['macro', 'micro', 'weighted'])
            for (const f of fNames)
                names.push(`${f}_${avg}`);
    for (const name of names) {
        const fn = (0, confusion_metrics_js_1.confusionMetric)(name, classes, { zeroDivision: zd });
        put(values, notes, name, fn(confusion, k), name === 'cohen_kappa' ? 'undefined: chance agreement is total (one class in truth and predictions)' : ZD_NOTE);
    }
    if (zd !== 0)
        notes.zero_division = `precision, recall and F-scores use zero_division=${zd === 'nan' ? 'NaN (undefined, left out of averages)' : zd}`;
    // Per class (average=None): the report's table and rules such as recall[churn].
    const perClass = {
        classes,
        precision: Array.from((0, confusion_metrics_js_1.perClassPrf)(counts, 'precision', 1, zd)),
        recall: Array.from((0, confusion_metrics_js_1.perClassPrf)(counts, 'recall', 1, zd)),
        f1: Array.from((0, confusion_metrics_js_1.perClassPrf)(counts, 'f', 1, zd)),
        support: Array.from(counts.support),
    };
    classes.forEach((c, i) => {
        put(values, notes, `precision[${c}]`, perClass.precision[i], ZD_NOTE);
        put(values, notes, `recall[${c}]`, perClass.recall[i], ZD_NOTE);
        put(values, notes, `f1[${c}]`, perClass.f1[i], ZD_NOTE);
        values[`support[${c}]`] = perClass.support[i];
    });
    for (const extra of options.extra ?? []) {
        if (extra in values)
            continue;
        const fn = (0, confusion_metrics_js_1.confusionMetric)(extra, classes, { zeroDivision: zd });
        if (fn)
            put(values, notes, extra, fn(confusion, k), ZD_NOTE);
    }
    const present = new Uint8Array(k);
    for (let i = 0; i < truth.length; i++)
        present[truth[i]] = 1;
    const presentCount = present.reduce((a, b) => a + b, 0);
    let curves;
    if (probabilities) {
        const losses = (0, metrics_js_1.rowLogLoss)(truth, probabilities, k);
        values.log_loss = mean(losses);
        values.log_loss_sum = sum(losses);
        notes.log_loss =
            'probabilities clipped to [eps, 1 − eps] (eps = 2.22e-16, float64 machine epsilon) and each row renormalised, as scikit-learn 1.2 does';
        if (task === 'binary') {
            const positive = (0, metrics_js_1.columnIsClass)(truth, 1);
            const score = (0, metrics_js_1.column)(probabilities, k, 1);
            let brier = 0;
            for (let i = 0; i < score.length; i++) {
                const d = positive[i] - score[i];
                brier += d * d;
            }
            values.brier_score = brier / score.length;
            const ranking = (0, ranking_js_1.binaryRanking)(positive, score);
            values.roc_auc = ranking.rocAuc;
            values.average_precision = ranking.averagePrecision;
            if (ranking.rocAuc === null)
                notes.roc_auc = oneClassNote(classes, present, presentCount);
            if (ranking.averagePrecision === null)
                notes.average_precision = `undefined: no row of the positive class ${classes[1]} in the holdout`;
            if ((options.curveClasses ?? 4) > 0) {
                curves = [
                    {
                        label: classes[1],
                        roc: (0, curves_js_1.rocCurveOnGrid)(ranking.counts),
                        pr: (0, curves_js_1.prCurveOnGrid)(ranking.counts),
                        calibration: (0, curves_js_1.calibrationCurve)(positive, score),
                        rocAuc: ranking.rocAuc,
                        averagePrecision: ranking.averagePrecision,
                    },
                ];
            }
        }
        else {
            Object.assign(values, multiclassAuc(truth, probabilities, k, classes, present, presentCount, notes));
            if (k <= (options.curveClasses ?? 4)) {
                curves = classes.map((label, c) => {
                    const ranking = (0, ranking_js_1.binaryRanking)((0, metrics_js_1.columnIsClass)(truth, c), (0, metrics_js_1.column)(probabilities, k, c));
                    return {
                        label,
                        roc: (0, curves_js_1.rocCurveOnGrid)(ranking.counts),
                        pr: (0, curves_js_1.prCurveOnGrid)(ranking.counts),
                        rocAuc: ranking.rocAuc,
                        averagePrecision: ranking.averagePrecision,
                    };
                });
            }
        }
    }
    else {
        notes.log_loss = 'not computed: the model gives no class probabilities';
        notes[task === 'binary' ? 'roc_auc' : 'roc_auc_ovr'] = 'not computed: the model gives no class scores';
    }
    const matrix = [];
    for (let t = 0; t < k; t++)
        matrix.push(Array.from(confusion.subarray(t * k, t * k + k)));
    return { values, notes, confusionMatrix: matrix, perClass, curves };
}
function oneClassNote(classes, present, presentCount) {
    return (`undefined: the holdout's labels hold only one class (${presentCount ? classes[present.indexOf(1)] : 'none'}), ` +
        'so there are no negatives to rank against');
}
/**
 * scikit-learn's multiclass `roc_auc_score`: one-vs-rest (macro, weighted by support, micro
 * over the binarised labels) and one-vs-one (Hand & Till, macro and weighted by pair prevalence).
 */
function multiclassAuc(truth, probabilities, k, classes, present, presentCount, notes) {
    const names = ['roc_auc_ovr', 'roc_auc_ovr_weighted', 'roc_auc_ovr_micro', 'roc_auc_ovo', 'roc_auc_ovo_weighted'];
    const out = Object.fromEntries(names.map((n) => [n, null]));
    if (presentCount < 2) {
        for (const n of names)
            notes[n] = oneClassNote(classes, present, presentCount);
        return out;
    }
    if (presentCount < k) {
        const missing = classes.filter((_, c) => !present[c]);
        for (const n of names) {
            notes[n] =
                `undefined: class(es) ${missing.join(', ')} never occur in the holdout labels, so their one-vs-rest AUC has no positives`;
        }
        return out;
    }
    const n = truth.length;
    const support = new Float64Array(k);
    for (let i = 0; i < n; i++)
        support[truth[i]]++;
    let macro = 0;
    let weighted = 0;
    for (let c = 0; c < k; c++) {
        const auc = (0, ranking_js_1.rocAuc)((0, metrics_js_1.columnIsClass)(truth, c), (0, metrics_js_1.column)(probabilities, k, c));
        macro += auc;
        weighted += auc * support[c];
    }
    out.roc_auc_ovr = macro / k;
    out.roc_auc_ovr_weighted = weighted / n;
    // micro: every (row, class) cell is one binary decision.
    out.roc_auc_ovr_micro = (0, ranking_js_1.rocAuc)(oneHot(truth, k), probabilities);
    let pairMacro = 0;
    let pairWeighted = 0;
    let pairs = 0;
    let prevalence = 0;
    for (const { rows, isA, isB, scoreA, scoreB } of ovoPairs(truth, probabilities, k)) {
        const pair = ((0, ranking_js_1.rocAuc)(isA, scoreA) + (0, ranking_js_1.rocAuc)(isB, scoreB)) / 2;
        const share = rows.length / n;
        pairMacro += pair;
        pairWeighted += pair * share;
        prevalence += share;
        pairs++;
    }
    out.roc_auc_ovo = pairMacro / pairs;
    out.roc_auc_ovo_weighted = pairWeighted / prevalence;
    return out;
}
/** The labels as an [N,K] 0/1 matrix: every (row, class) cell one binary decision (micro averages). */
function oneHot(truth, k) {
    const flat = new Uint8Array(truth.length * k);
    for (let i = 0; i < truth.length; i++)
        flat[i * k + truth[i]] = 1;
    return flat;
}
/** Every class pair a < b, as scikit-learn's one-vs-one ROC AUC takes them. */
function* ovoPairs(truth, probabilities, k) {
    const n = truth.length;
    for (let a = 0; a < k; a++) {
        for (let b = a + 1; b < k; b++) {
            const rows = [];
            for (let i = 0; i < n; i++)
                if (truth[i] === a || truth[i] === b)
                    rows.push(i);
            yield {
                rows,
                isA: Uint8Array.from(rows, (i) => (truth[i] === a ? 1 : 0)),
                isB: Uint8Array.from(rows, (i) => (truth[i] === b ? 1 : 0)),
                scoreA: Float64Array.from(rows, (i) => probabilities[i * k + a]),
                scoreB: Float64Array.from(rows, (i) => probabilities[i * k + b]),
            };
        }
    }
}


/***/ }),

/***/ 7055:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.MISSING = void 0;
exports.labelColumnsOf = labelColumnsOf;
exports.planColumns = planColumns;
exports.parseNumber = parseNumber;
exports.badCell = badCell;
/**
 * Which holdout columns are features and which are labels (one label column, or several for
 * multilabel classification and multi-output regression), and the cell errors the readers
 * raise. Shared by the CSV and JSON Lines readers in dataset.ts.
 */
const common_1 = __nccwpck_require__(8051);
/** Cells read as missing with `missingValues: 'nan'`: empty, NaN, NA, null (pandas' defaults among them). */
exports.MISSING = /^(|nan|na|n\/a|null|none)$/i;
/** The label columns asked for: `labelColumns` when given, else `labelColumn` (default `label`). */
function labelColumnsOf(options) {
    if (options.labelColumns?.length)
        return [...options.labelColumns];
    return [options.labelColumn ?? 'label'];
}
/** Which columns are features and labels; `line` is the header's line (for error locations). */
function planColumns(path, header, options, line = 1) {
    // A repeated name would make the second column read the first one's cells (by name).
    const repeated = header.find((h, i) => header.indexOf(h) !== i);
    if (repeated !== undefined) {
        throw new common_1.UserError(`Dataset ${path}, line ${line}: the column "${repeated}" appears twice in the header`, {
            fix: 'Give every column a unique name.',
            location: { file: path, line },
        });
    }
    const labelColumns = labelColumnsOf(options);
    const duplicate = labelColumns.find((c, i) => labelColumns.indexOf(c) !== i);
    if (duplicate !== undefined) {
        throw new common_1.UserError(`\`label-column\` names "${duplicate}" twice`, {
            fix: 'List each label column once (several columns: one per label of a multilabel or multi-output model, in its output order).',
        });
    }
    const absent = labelColumns.filter((c) => !header.includes(c));
    if (absent.length) {
        const what = absent.length === 1
            ? `no label column "${absent[0]}"`
            : `no label columns ${absent.map((c) => `"${c}"`).join(', ')}`;
        throw new common_1.UserError(`Dataset ${path} has ${what} (columns: ${header.join(', ')})`, {
            fix: 'Set `label-column:` to the column that holds the true label or target (several columns, comma-separated, for multilabel or multi-output models).',
            location: { file: path, line },
        });
    }
    const labelIndex = labelColumns.map((c) => header.indexOf(c));
    let featureNames;
    if (options.featureColumns?.length) {
        const missing = options.featureColumns.filter((c) => !header.includes(c));
        if (missing.length) {
            throw new common_1.UserError(`Dataset ${path} lacks the feature column(s) ${missing.join(', ')} named in \`feature-columns\` (columns: ${header.join(', ')})`, {
                fix: 'List only columns the dataset has under `feature-columns:`, or leave it empty to use every column but the label.',
                location: { file: path, line },
            });
        }
        const overlap = options.featureColumns.filter((c) => labelColumns.includes(c));
        if (overlap.length) {
            throw new common_1.UserError(`\`feature-columns\` includes the label column "${overlap[0]}"`, {
                fix: 'Remove the label column from `feature-columns:`.',
            });
        }
        featureNames = [...options.featureColumns];
    }
    else {
        featureNames = header.filter((_, i) => !labelIndex.includes(i));
    }
    if (featureNames.length === 0) {
        throw new common_1.UserError(`Dataset ${path} has no feature columns besides the label "${labelColumns.join(', ')}"`, {
            fix: 'Add feature columns to the dataset, or set `label-column:` to the right column.',
            location: { file: path, line },
        });
    }
    return { featureNames, featureIndex: featureNames.map((n) => header.indexOf(n)), labelColumns, labelIndex };
}
function parseNumber(text) {
    // Number('') is 0 and Number(' 1 ') is 1: only accept what reads as a number.
    const t = text.trim();
    if (t === '')
        return NaN;
    const v = Number(t);
    if (Number.isNaN(v) && /^nan$/i.test(t))
        return NaN;
    return v;
}
function badCell(path, line, column, columnNumber, value, allowMissing = false) {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    const isMissing = exports.MISSING.test(value.trim());
    return new common_1.UserError(`Dataset ${path}, line ${line}, column "${column}": ${value.trim() === '' ? 'empty cell' : isMissing ? `"${shown}" is a missing value` : `"${shown}" is not a number`}; ONNX models take numeric features`, {
        fix: isMissing
            ? 'Fill missing values before the gate, or set `missing-values: nan` when the model handles them itself (tree ensembles, an imputer inside the exported pipeline).'
            : allowMissing
                ? 'Encode the column as numbers (one-hot or ordinal), or leave it out with `feature-columns:`; only empty, nan, NA and null cells count as missing.'
                : 'Encode the column as numbers (one-hot or ordinal) and fill missing values before the gate, or leave it out with `feature-columns:`.',
        location: { file: path, line, column: columnNumber },
        title: 'Non-numeric feature',
    });
}


/***/ }),

/***/ 3816:
/***/ ((__unused_webpack_module, exports) => {


/**
 * Every metric that is a function of the (weighted) confusion matrix, by scikit-learn's
 * definitions (1.2): accuracy, balanced accuracy, precision/recall/F-beta per class and
 * averaged, Matthews' correlation, Cohen's kappa. The point estimate and each bootstrap
 * resample call the same function, so the two never disagree.
 */
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.classCounts = classCounts;
exports.perClassPrf = perClassPrf;
exports.averagedPrf = averagedPrf;
exports.accuracy = accuracy;
exports.accuracyCount = accuracyCount;
exports.balancedAccuracy = balancedAccuracy;
exports.matthewsCorrcoef = matthewsCorrcoef;
exports.cohenKappa = cohenKappa;
exports.betaOf = betaOf;
exports.confusionMetric = confusionMetric;
exports.normalizeConfusion = normalizeConfusion;
function classCounts(confusion, k) {
    const tp = new Float64Array(k);
    const predicted = new Float64Array(k);
    const support = new Float64Array(k);
    let total = 0;
    for (let t = 0; t < k; t++) {
        for (let p = 0; p < k; p++) {
            const c = confusion[t * k + p];
            support[t] += c;
            predicted[p] += c;
            total += c;
            if (t === p)
                tp[t] = c;
        }
    }
    return { tp, predicted, support, total };
}
function zdValue(zd) {
    return zd === 'nan' ? NaN : zd;
}
/** F-beta from precision and recall as scikit-learn combines them (a zero denominator gives 0). */
function fbeta(p, r, beta) {
    if (beta === Infinity)
        return r;
    const b2 = beta * beta;
    const denom = b2 * p + r;
    return denom === 0 ? 0 : ((1 + b2) * p * r) / denom;
}
/** Per-class precision, recall and F-beta (`average=None`). */
function perClassPrf(counts, kind, beta, zd) {
    const k = counts.tp.length;
    const out = new Float64Array(k);
    for (let c = 0; c < k; c++) {
        const p = counts.predicted[c] ? counts.tp[c] / counts.predicted[c] : zdValue(zd);
        const r = counts.support[c] ? counts.tp[c] / counts.support[c] : zdValue(zd);
        out[c] =
            kind === 'precision' ? p : kind === 'recall' ? r : Number.isNaN(p) || Number.isNaN(r) ? NaN : fbeta(p, r, beta);
    }
    return out;
}
/**
 * An averaged precision, recall or F-beta. With `zero_division=nan` (scikit-learn 1.3's
 * meaning), classes whose value is undefined are left out of macro and weighted averages.
 */
function averagedPrf(counts, kind, beta, average, zd, positive = 1) {
    const k = counts.tp.length;
    if (average === 'micro') {
        let tp = 0;
        let pred = 0;
        let sup = 0;
        for (let c = 0; c < k; c++) {
            tp += counts.tp[c];
            pred += counts.predicted[c];
            sup += counts.support[c];
        }
        const p = pred ? tp / pred : zdValue(zd);
        const r = sup ? tp / sup : zdValue(zd);
        if (kind === 'precision')
            return p;
        if (kind === 'recall')
            return r;
        return Number.isNaN(p) || Number.isNaN(r) ? NaN : fbeta(p, r, beta);
    }
    const values = perClassPrf(counts, kind, beta, zd);
    if (average === 'binary')
        return values[Math.min(positive, k - 1)] ?? NaN;
    let sum = 0;
    let weight = 0;
    for (let c = 0; c < k; c++) {
        const v = values[c];
        if (Number.isNaN(v))
            continue;
        const w = average === 'weighted' ? counts.support[c] : 1;
        sum += w * v;
        weight += w;
    }
    // Only with zero_division=nan can every class be left out: the average is undefined too.
    if (weight === 0)
        return zdValue(zd);
    return sum / weight;
}
function accuracy(confusion, k) {
    let correct = 0;
    let total = 0;
    for (let t = 0; t < k; t++) {
        for (let p = 0; p < k; p++) {
            const c = confusion[t * k + p];
            total += c;
            if (t === p)
                correct += c;
        }
    }
    return total === 0 ? NaN : correct / total;
}
/** `accuracy_score(normalize=False)`: the (weighted) count of correct predictions. */
function accuracyCount(confusion, k) {
    let correct = 0;
    for (let c = 0; c < k; c++)
        correct += confusion[c * k + c];
    return correct;
}
/** Mean recall over the classes that occur in the truth (scikit-learn drops the others with a warning). */
function balancedAccuracy(confusion, k) {
    const { tp, support } = classCounts(confusion, k);
    let sum = 0;
    let classes = 0;
    for (let c = 0; c < k; c++) {
        if (!support[c])
            continue;
        sum += tp[c] / support[c];
        classes++;
    }
    return classes ? sum / classes : NaN;
}
/** Matthews' correlation coefficient (Gorodkin's K-class form); 0 when a marginal is constant, as scikit-learn. */
function matthewsCorrcoef(confusion, k) {
    const { tp, predicted, support, total } = classCounts(confusion, k);
    let correct = 0;
    let tDotP = 0;
    let pDotP = 0;
    let tDotT = 0;
    for (let c = 0; c < k; c++) {
        correct += tp[c];
        tDotP += support[c] * predicted[c];
        pDotP += predicted[c] * predicted[c];
        tDotT += support[c] * support[c];
    }
    const covTP = correct * total - tDotP;
    const covPP = total * total - pDotP;
    const covTT = total * total - tDotT;
    if (covPP * covTT === 0)
        return 0;
    return covTP / Math.sqrt(covTT * covPP);
}
/** Cohen's kappa between truth and prediction (unweighted); NaN when chance agreement is total. */
function cohenKappa(confusion, k) {
    const { predicted, support, total } = classCounts(confusion, k);
    let observed = 0;
    let expected = 0;
    for (let t = 0; t < k; t++) {
        for (let p = 0; p < k; p++) {
            if (t === p)
                continue;
            observed += confusion[t * k + p];
            expected += (predicted[t] * support[p]) / total;
        }
    }
    if (expected === 0)
        return NaN;
    return 1 - observed / expected;
}
const PRF = /^(precision|recall|f\d+(?:\.\d+)?)(?:_(macro|micro|weighted))?(?:\[(.+)\])?$/;
/** The beta of an F-score name (`f1` -> 1, `f0.5` -> 0.5, `f2_macro` -> 2), or undefined. */
function betaOf(name) {
    const m = /^f(\d+(?:\.\d+)?)(?:_(?:macro|micro|weighted))?(?:\[.+\])?$/.exec(name);
    if (!m)
        return undefined;
    const beta = Number(m[1]);
    return Number.isFinite(beta) && beta >= 0 ? beta : undefined;
}
/**
 * The confusion function of a metric name, or undefined for names that are not confusion
 * metrics. Names: accuracy, accuracy_count, balanced_accuracy, matthews_corrcoef,
 * cohen_kappa; precision|recall|f<beta> alone (the positive class, index 1), with
 * `_macro|_micro|_weighted`, or with `[class]` (one class of `classes`); support[class].
 */
function confusionMetric(name, classes, options = {}) {
    const zd = options.zeroDivision ?? 0;
    switch (name) {
        case 'accuracy':
            return accuracy;
        case 'accuracy_count':
            return accuracyCount;
        case 'balanced_accuracy':
            return balancedAccuracy;
        case 'matthews_corrcoef':
            return matthewsCorrcoef;
        case 'cohen_kappa':
            return cohenKappa;
    }
    const support = /^support\[(.+)\]$/.exec(name);
    if (support) {
        const c = classes.indexOf(support[1]);
        return c < 0 ? undefined : (confusion, k) => classCounts(confusion, k).support[c];
    }
    const m = PRF.exec(name);
    if (!m)
        return undefined;
    const kind = m[1] === 'precision' ? 'precision' : m[1] === 'recall' ? 'recall' : 'f';
    const beta = kind === 'f' ? betaOf(m[1]) : 1;
    if (beta === undefined)
        return undefined;
    const average = m[2];
    const cls = m[3];
    if (cls !== undefined) {
        if (average)
            return undefined;
        const c = classes.indexOf(cls);
        if (c < 0)
            return undefined;
        return (confusion, k) => perClassPrf(classCounts(confusion, k), kind, beta, zd)[c];
    }
    return (confusion, k) => averagedPrf(classCounts(confusion, k), kind, beta, average ?? 'binary', zd, 1);
}
/** `confusion_matrix(normalize=...)`: by true class (rows), by predicted class (columns) or by all. */
function normalizeConfusion(matrix, normalize) {
    const k = matrix.length;
    const rowSums = matrix.map((row) => row.reduce((a, b) => a + b, 0));
    const colSums = Array.from({ length: k }, (_, p) => matrix.reduce((a, row) => a + row[p], 0));
    const all = rowSums.reduce((a, b) => a + b, 0);
    // scikit-learn divides and then replaces NaN (0/0) with 0.
    const div = (a, b) => (b === 0 ? 0 : a / b);
    return matrix.map((row, t) => row.map((v, p) => div(v, normalize === 'true' ? rowSums[t] : normalize === 'pred' ? colSums[p] : all)));
}


/***/ }),

/***/ 306:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.CURVE_POINTS = void 0;
exports.rocCurveOnGrid = rocCurveOnGrid;
exports.prCurveOnGrid = prCurveOnGrid;
exports.calibrationCurve = calibrationCurve;
exports.CURVE_POINTS = 21;
function grid(points) {
    return Array.from({ length: points }, (_, i) => i / (points - 1));
}
/** ROC curve on an even false-positive-rate grid; undefined when a class is absent. */
function rocCurveOnGrid(counts, points = exports.CURVE_POINTS) {
    const { tps, fps, positives, negatives } = counts;
    if (!positives || !negatives)
        return undefined;
    const xs = grid(points);
    const ys = [];
    // Walk the ROC points (fpr non-decreasing) once; (0,0) is the first point.
    let g = -1;
    let prevF = 0;
    let prevT = 0;
    for (const x of xs) {
        while (g + 1 < tps.length && fps[g + 1] / negatives <= x) {
            g++;
            prevF = fps[g] / negatives;
            prevT = tps[g] / positives;
        }
        if (g + 1 >= tps.length || prevF === x) {
            ys.push(prevT);
            continue;
        }
        const nextF = fps[g + 1] / negatives;
        const nextT = tps[g + 1] / positives;
        ys.push(prevT + ((nextT - prevT) * (x - prevF)) / (nextF - prevF));
    }
    return { x: xs, y: ys };
}
/** Interpolated precision on an even recall grid; undefined without positives. */
function prCurveOnGrid(counts, points = exports.CURVE_POINTS) {
    const { tps, fps, positives } = counts;
    if (!positives)
        return undefined;
    const xs = grid(points);
    // Best precision at recall >= x: walk the grid and the thresholds from the high-recall end
    // together, keeping a running maximum (no per-threshold array).
    const ys = new Array(points).fill(0);
    let run = 0;
    let g = tps.length - 1;
    for (let p = points - 1; p >= 0; p--) {
        const x = xs[p];
        while (g >= 0 && tps[g] / positives >= x - 1e-12) {
            const predicted = tps[g] + fps[g];
            if (predicted > 0)
                run = Math.max(run, tps[g] / predicted);
            g--;
        }
        ys[p] = run;
    }
    return { x: xs, y: ys };
}
/** scikit-learn's `calibration_curve(y, p, n_bins=bins, strategy="uniform")`, with bin counts. */
function calibrationCurve(positive, probability, bins = 10) {
    const sums = new Float64Array(bins);
    const trues = new Float64Array(bins);
    const totals = new Float64Array(bins);
    // The inner edges as numpy's linspace computes them (j * step, e.g. 0.30000000000000004).
    const step = 1 / bins;
    const edges = Array.from({ length: bins - 1 }, (_, j) => (j + 1) * step);
    for (let i = 0; i < positive.length; i++) {
        const p = probability[i];
        // np.searchsorted(linspace(0, 1, bins + 1)[1:-1], p) with side='left': an edge value
        // belongs to the lower bin.
        let b = Math.ceil(p * bins) - 1;
        if (b < 0)
            b = 0;
        if (b > bins - 1)
            b = bins - 1;
        while (b > 0 && p <= edges[b - 1])
            b--;
        while (b < bins - 1 && p > edges[b])
            b++;
        sums[b] += p;
        trues[b] += positive[i];
        totals[b]++;
    }
    const out = { predicted: [], observed: [], bin: [], count: [], bins };
    for (let b = 0; b < bins; b++) {
        if (!totals[b])
            continue;
        out.predicted.push(sums[b] / totals[b]);
        out.observed.push(trues[b] / totals[b]);
        out.bin.push(b);
        out.count.push(totals[b]);
    }
    return out;
}


/***/ }),

/***/ 3512:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.canonicalLabel = void 0;
exports.loadHoldout = loadHoldout;
const node_fs_1 = __nccwpck_require__(3024);
const tabular_1 = __nccwpck_require__(8929);
const node_path_1 = __nccwpck_require__(6760);
const common_1 = __nccwpck_require__(8051);
const label_output_js_1 = __nccwpck_require__(866);
Object.defineProperty(exports, "canonicalLabel", ({ enumerable: true, get: function () { return label_output_js_1.canonicalLabel; } }));
const float_buffer_js_1 = __nccwpck_require__(8561);
const columns_js_1 = __nccwpck_require__(7055);
/**
 * Loads a CSV (header row, RFC 4180 quoting) or JSON Lines holdout set, streaming the file
 * through @mlops-gha/tabular's readers (`scanCsvFile`, `scanJsonLinesFile`).
 * Every feature cell must be a number; errors name the file, line, column and the fix.
 */
async function loadHoldout(path, options = {}) {
    if (!(0, node_fs_1.existsSync)(path) || !(0, node_fs_1.statSync)(path).isFile()) {
        throw new common_1.UserError(`Dataset ${path} does not exist`, {
            fix: 'Set `dataset:` to the path of a CSV or JSON Lines file (relative to the working directory), and make sure an earlier step (e.g. data-pull) put it there.',
        });
    }
    const format = (0, tabular_1.tableFormat)(path);
    if (!format) {
        const ext = (0, node_path_1.extname)(path).toLowerCase();
        throw new common_1.UserError(`Dataset ${path}: unknown format "${ext || '(no extension)'}"`, {
            fix: 'Use a .csv file with a header row or a .jsonl file with one JSON object per line.',
            location: { file: path },
        });
    }
    const holdout = format === 'csv' ? await loadCsv(path, options) : await loadJsonLines(path, options);
    if (holdout.rows === 0) {
        throw new common_1.UserError(`Dataset ${path} has no data rows`, {
            fix: 'Point `dataset:` at a holdout file with at least one row below the header.',
            location: { file: path },
        });
    }
    return holdout;
}
async function loadCsv(path, options) {
    const allowMissing = options.missingValues === 'nan';
    let missing = [];
    let layout;
    let header;
    const features = new float_buffer_js_1.FloatBuffer();
    let labelLists = [];
    let rows = 0;
    // The shared tokenizer finds the fields (and reads plain decimals on the way); the cells'
    // meaning is the holdout's own: features as float32 with its missing-value tokens, labels
    // as written.
    const sink = {
        record(buf, bounds, quoted, values, fields, line) {
            const text = (k) => (0, tabular_1.decodeField)(buf, bounds[2 * k], bounds[2 * k + 1], quoted[k]);
            if (!header) {
                header = Array.from({ length: fields }, (_, k) => text(k).trim());
                layout = (0, columns_js_1.planColumns)(path, header, options, line);
                missing = layout.featureNames.map(() => 0);
                labelLists = layout.labelColumns.map(() => []);
                return;
            }
            if (fields !== header.length) {
                throw new common_1.UserError(`Dataset ${path}, line ${line}: ${fields} fields, but the header has ${header.length}`, {
                    fix: 'Make every row have one field per header column (quote fields that contain commas).',
                    location: { file: path, line },
                });
            }
            const l = layout;
            for (let j = 0; j < l.featureIndex.length; j++) {
                const idx = l.featureIndex[j];
                const fast = values[idx];
                if (fast === fast) {
                    features.push(fast);
                    continue;
                }
                const raw = text(idx);
                const v = (0, columns_js_1.parseNumber)(raw);
                if (!Number.isFinite(v)) {
                    if (!allowMissing || !columns_js_1.MISSING.test(raw.trim()))
                        throw (0, columns_js_1.badCell)(path, line, header[idx], idx + 1, raw, allowMissing);
                    missing[j]++;
                }
                features.push(v);
            }
            for (let j = 0; j < l.labelIndex.length; j++) {
                const idx = l.labelIndex[j];
                // A plain decimal the scanner read is canonical as JavaScript prints it (what canonicalLabel gives).
                const fast = values[idx];
                const label = fast === fast ? String(fast) : (0, label_output_js_1.canonicalLabel)(text(idx));
                if (label === '') {
                    throw new common_1.UserError(`Dataset ${path}, line ${line}: the label "${header[idx]}" is empty`, {
                        fix: 'Drop rows without a label from the holdout set.',
                        location: { file: path, line, column: idx + 1 },
                    });
                }
                labelLists[j].push(label);
            }
            rows++;
        },
    };
    await (0, tabular_1.scanCsvFile)(path, sink, { subject: `Dataset ${path}` });
    if (!header) {
        throw new common_1.UserError(`Dataset ${path} is empty`, {
            fix: 'Point `dataset:` at a CSV file with a header row and data rows.',
            location: { file: path },
        });
    }
    const l = layout;
    return {
        path,
        rows,
        featureNames: l.featureNames,
        features: features.finish(),
        ...labelFields(l.labelColumns, labelLists),
        missing: Object.fromEntries(l.featureNames.map((name, j) => [name, missing[j]])),
    };
}
/** The label fields of a holdout from its label columns' lists. */
function labelFields(labelColumns, lists) {
    return {
        labelColumn: labelColumns[0],
        labelColumns,
        labels: lists[0],
        targets: labelColumns.length > 1 ? lists : undefined,
    };
}
async function loadJsonLines(path, options) {
    const labelColumns = (0, columns_js_1.labelColumnsOf)(options);
    const allowMissing = options.missingValues === 'nan';
    let missing = [];
    const features = new float_buffer_js_1.FloatBuffer();
    const labelLists = labelColumns.map(() => []);
    let layout;
    let rows = 0;
    // Lines and objects come from the shared reader; the values' meaning is the holdout's own:
    // features must be JSON numbers (a string "2.5" is refused), labels any scalar.
    const handle = (obj, lineNo) => {
        if (!layout) {
            layout = (0, columns_js_1.planColumns)(path, Object.keys(obj), { ...options, labelColumns });
            missing = layout.featureNames.map(() => 0);
        }
        for (const [j, name] of layout.featureNames.entries()) {
            const v = obj[name];
            // JSON has no NaN: null (or a "nan" string) is a missing value.
            if (allowMissing && (v === null || (typeof v === 'string' && columns_js_1.MISSING.test(v.trim())))) {
                missing[j]++;
                features.push(NaN);
                continue;
            }
            if (typeof v !== 'number' || !Number.isFinite(v)) {
                const shown = v === undefined ? '' : JSON.stringify(v);
                if (v === undefined) {
                    throw new common_1.UserError(`Dataset ${path}, line ${lineNo}: feature "${name}" is missing`, {
                        fix: 'Give every row the same feature fields as the first row.',
                        location: { file: path, line: lineNo },
                    });
                }
                throw (0, columns_js_1.badCell)(path, lineNo, name, j + 1, v === null ? 'null' : shown, allowMissing);
            }
            features.push(v);
        }
        labelColumns.forEach((labelColumn, j) => {
            const label = obj[labelColumn];
            if (label === undefined || label === null || label === '') {
                throw new common_1.UserError(`Dataset ${path}, line ${lineNo}: the label "${labelColumn}" is missing`, {
                    fix: 'Give every row a label, or set `label-column:` to the right field.',
                    location: { file: path, line: lineNo },
                });
            }
            labelLists[j].push((0, label_output_js_1.canonicalLabel)(String(label)));
        });
        rows++;
    };
    await (0, tabular_1.scanJsonLinesFile)(path, handle, {
        subject: `Dataset ${path}`,
        example: '{"x1": 0.5, "x2": 1.2, "label": 1}',
    });
    if (!layout) {
        throw new common_1.UserError(`Dataset ${path} is empty`, {
            fix: 'Point `dataset:` at a JSON Lines file with one object per row.',
            location: { file: path },
        });
    }
    const names = layout.featureNames;
    return {
        path,
        rows,
        featureNames: names,
        features: features.finish(),
        ...labelFields(labelColumns, labelLists),
        missing: Object.fromEntries(names.map((n, j) => [n, missing[j]])),
    };
}


/***/ }),

/***/ 4157:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.metricsFor = metricsFor;
exports.evaluateModels = evaluateModels;
const common_1 = __nccwpck_require__(8051);
const dataset_js_1 = __nccwpck_require__(3512);
const classification_js_1 = __nccwpck_require__(4042);
const onnx_js_1 = __nccwpck_require__(1825);
const predict_js_1 = __nccwpck_require__(2261);
const regression_js_1 = __nccwpck_require__(3843);
const multilabel_js_1 = __nccwpck_require__(5811);
const task_js_1 = __nccwpck_require__(8835);
/** The metrics of the task for model `index` of an interpretation. */
function metricsFor(interpretation, index, options = {}) {
    const m = interpretation.models[index];
    const targets = interpretation.targets;
    if (interpretation.task === 'multilabel') {
        return (0, multilabel_js_1.multilabelMetrics)({ truth: interpretation.truthMatrix, predicted: m.predictedMatrix, scores: m.scores, labels: targets }, { zeroDivision: options.zeroDivision });
    }
    if (interpretation.task === 'regression') {
        const y = interpretation.truthValues;
        const forceFinite = options.forceFinite;
        if (!targets || targets.length < 2)
            return (0, regression_js_1.regressionMetrics)(y, m.values, { forceFinite });
        // Several targets: the combined values (as `multioutput` says) and, always, each target's
        // (`r2[price]`), so rules can name either.
        const shape = { outputs: targets.length, outputNames: targets, forceFinite };
        const perTarget = (0, regression_js_1.regressionMetrics)(y, m.values, { ...shape, multioutput: 'raw_values' });
        const multioutput = options.multioutput ?? 'uniform_average';
        if (multioutput === 'raw_values')
            return perTarget;
        const combined = (0, regression_js_1.regressionMetrics)(y, m.values, { ...shape, multioutput });
        return {
            values: { ...combined.values, ...perTarget.values },
            notes: { ...perTarget.notes, ...combined.notes },
        };
    }
    return (0, classification_js_1.classificationMetrics)(interpretation.task, {
        truth: interpretation.truthClasses,
        predicted: m.predicted,
        probabilities: m.probabilities,
        k: interpretation.classes.length,
        classes: interpretation.classes,
    }, options);
}
/**
 * Loads the holdout once, runs every model on it in batches, decides the task and computes
 * each model's metrics on the same rows (so candidate and baseline can be compared pairwise).
 */
async function evaluateModels(options) {
    const logger = options.logger ?? common_1.silentLogger;
    const holdout = await (0, dataset_js_1.loadHoldout)(options.dataset, options);
    logger.info(`Holdout ${holdout.path}: ${holdout.rows} rows, ${holdout.featureNames.length} features, label "${holdout.labelColumn}"`);
    const missing = Object.entries(holdout.missing ?? {}).filter(([, count]) => count > 0);
    if (missing.length)
        logger.info(`Missing feature values passed as NaN: ${missing.map(([c, count]) => `${c} ${count}`).join(', ')}`);
    const raws = [];
    const opened = [];
    const seconds = [];
    for (const path of options.models) {
        const model = await (0, onnx_js_1.openOnnxModel)(path);
        opened.push(model);
        const started = performance.now();
        let done = 0;
        let lastReport = started;
        raws.push(await (0, predict_js_1.predict)(model, holdout, {
            batchSize: options.batchSize,
            onBatch: (rows) => {
                done += rows;
                const now = performance.now();
                if (now - lastReport > 5000) {
                    lastReport = now;
                    logger.info(`metric-gate: ${path}: ${done}/${holdout.rows} rows, ${Math.round(done / ((now - started) / 1000))} rows/s`);
                }
            },
        }));
        seconds.push((performance.now() - started) / 1000);
        logger.info(`Model ${path}: ${holdout.rows} rows in ${seconds.at(-1).toFixed(2)} s`);
        await model.session.release();
    }
    const interpretation = (0, task_js_1.interpretPredictions)(holdout, raws, options.models, {
        task: options.task ?? 'auto',
        positiveLabel: options.positiveLabel,
    });
    const models = options.models.map((path, i) => ({
        path,
        signature: opened[i].signature,
        metrics: metricsFor(interpretation, i, options.metricOptions),
        inferenceSeconds: seconds[i],
    }));
    return { holdout, interpretation, models };
}


/***/ }),

/***/ 9853:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.requireFiniteOutput = requireFiniteOutput;
exports.requireFiniteLabels = requireFiniteLabels;
const common_1 = __nccwpck_require__(8051);
/**
 * Refuses NaN and infinite model outputs, as scikit-learn's "Input contains NaN" does: the
 * message names the model, the output, how many values and the first holdout row, so the
 * user can find the row that broke the model (a missing feature the model cannot take, an
 * overflow). `values` is rows x width, row-major.
 */
function requireFiniteOutput(values, width, model, output) {
    let nan = 0;
    let inf = 0;
    let first = -1;
    for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v - v !== 0) {
            // v - v is NaN for NaN and ±Infinity alone: one comparison per value on the hot path.
            if (Number.isNaN(v))
                nan++;
            else
                inf++;
            if (first < 0)
                first = i;
        }
    }
    if (first < 0)
        return;
    const row = Math.floor(first / width) + 1;
    const what = [nan ? `${nan} NaN` : '', inf ? `${inf} infinite` : ''].filter(Boolean).join(' and ');
    const shown = values[first];
    throw new common_1.UserError(`Model ${model}: output "${output}" holds ${what} value(s) (${nan + inf} of ${values.length}); the first at holdout row ${row} (${shown}${width > 1 ? `, column ${(first % width) + 1}` : ''}). Input contains NaN or infinity: no metric of these predictions would mean anything`, {
        fix: `Look at holdout row ${row}: a missing or extreme feature value the model cannot handle gives NaN. ` +
            'Impute missing values before the gate (or inside the exported pipeline), or fix the model export.',
        title: 'Non-finite model output',
    });
}
/** Labels that read as NaN or infinity are not classes or targets (scikit-learn refuses them). */
function requireFiniteLabels(labels, path, column) {
    let count = 0;
    let first = -1;
    for (let i = 0; i < labels.length; i++) {
        if (/^[-+]?(nan|inf|infinity)$/i.test(labels[i])) {
            count++;
            if (first < 0)
                first = i;
        }
    }
    if (first < 0)
        return;
    throw new common_1.UserError(`Dataset ${path}: the label column "${column}" holds ${count} NaN or infinite label(s); the first at data row ${first + 1} ("${labels[first]}"). Input contains NaN: a row without a true label cannot be scored`, {
        fix: 'Drop the rows without a label from the holdout set, or fix the label column.',
        location: { file: path },
        title: 'NaN label',
    });
}


/***/ }),

/***/ 8561:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.FloatBuffer = void 0;
/** A growable Float32Array for streaming a column of unknown length. */
class FloatBuffer {
    data = new Float32Array(1 << 16);
    length = 0;
    push(v) {
        if (this.length === this.data.length) {
            const next = new Float32Array(this.data.length * 2);
            next.set(this.data);
            this.data = next;
        }
        this.data[this.length++] = v;
    }
    finish() {
        return this.data.slice(0, this.length);
    }
}
exports.FloatBuffer = FloatBuffer;


/***/ }),

/***/ 40:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.metricsFor = exports.evaluateModels = exports.CURVE_POINTS = exports.calibrationCurve = exports.prCurveOnGrid = exports.rocCurveOnGrid = exports.perClassPrf = exports.averagedPrf = exports.betaOf = exports.normalizeConfusion = exports.confusionMetric = exports.multilabelMetrics = exports.regressionMetrics = exports.ovoPairs = exports.oneHot = exports.classificationMetrics = exports.thresholdCounts = exports.binaryRanking = exports.rocAuc = exports.sortedOrder = exports.r2FromSums = exports.columnIsClass = exports.column = exports.rowLogLoss = exports.accuracyFromConfusion = exports.prfFromConfusion = exports.confusionCounts = exports.higherIsBetter = exports.METRIC_NAMES = exports.MULTILABEL_THRESHOLD = exports.interpretationRows = exports.interpretPredictions = exports.predict = exports.describeTensor = exports.describeSignature = exports.readOnnxSignature = exports.openOnnxModel = exports.loadOnnxRuntime = exports.canonicalLabel = exports.loadHoldout = void 0;
var dataset_js_1 = __nccwpck_require__(3512);
Object.defineProperty(exports, "loadHoldout", ({ enumerable: true, get: function () { return dataset_js_1.loadHoldout; } }));
Object.defineProperty(exports, "canonicalLabel", ({ enumerable: true, get: function () { return dataset_js_1.canonicalLabel; } }));
var onnx_js_1 = __nccwpck_require__(1825);
Object.defineProperty(exports, "loadOnnxRuntime", ({ enumerable: true, get: function () { return onnx_js_1.loadOnnxRuntime; } }));
Object.defineProperty(exports, "openOnnxModel", ({ enumerable: true, get: function () { return onnx_js_1.openOnnxModel; } }));
Object.defineProperty(exports, "readOnnxSignature", ({ enumerable: true, get: function () { return onnx_js_1.readOnnxSignature; } }));
Object.defineProperty(exports, "describeSignature", ({ enumerable: true, get: function () { return onnx_js_1.describeSignature; } }));
Object.defineProperty(exports, "describeTensor", ({ enumerable: true, get: function () { return onnx_js_1.describeTensor; } }));
var predict_js_1 = __nccwpck_require__(2261);
Object.defineProperty(exports, "predict", ({ enumerable: true, get: function () { return predict_js_1.predict; } }));
var task_js_1 = __nccwpck_require__(8835);
Object.defineProperty(exports, "interpretPredictions", ({ enumerable: true, get: function () { return task_js_1.interpretPredictions; } }));
Object.defineProperty(exports, "interpretationRows", ({ enumerable: true, get: function () { return task_js_1.interpretationRows; } }));
var multi_target_js_1 = __nccwpck_require__(1263);
Object.defineProperty(exports, "MULTILABEL_THRESHOLD", ({ enumerable: true, get: function () { return multi_target_js_1.MULTILABEL_THRESHOLD; } }));
var metrics_js_1 = __nccwpck_require__(7277);
Object.defineProperty(exports, "METRIC_NAMES", ({ enumerable: true, get: function () { return metrics_js_1.METRIC_NAMES; } }));
Object.defineProperty(exports, "higherIsBetter", ({ enumerable: true, get: function () { return metrics_js_1.higherIsBetter; } }));
Object.defineProperty(exports, "confusionCounts", ({ enumerable: true, get: function () { return metrics_js_1.confusionCounts; } }));
Object.defineProperty(exports, "prfFromConfusion", ({ enumerable: true, get: function () { return metrics_js_1.prfFromConfusion; } }));
Object.defineProperty(exports, "accuracyFromConfusion", ({ enumerable: true, get: function () { return metrics_js_1.accuracyFromConfusion; } }));
Object.defineProperty(exports, "rowLogLoss", ({ enumerable: true, get: function () { return metrics_js_1.rowLogLoss; } }));
Object.defineProperty(exports, "column", ({ enumerable: true, get: function () { return metrics_js_1.column; } }));
Object.defineProperty(exports, "columnIsClass", ({ enumerable: true, get: function () { return metrics_js_1.columnIsClass; } }));
Object.defineProperty(exports, "r2FromSums", ({ enumerable: true, get: function () { return metrics_js_1.r2FromSums; } }));
var ranking_js_1 = __nccwpck_require__(4038);
Object.defineProperty(exports, "sortedOrder", ({ enumerable: true, get: function () { return ranking_js_1.sortedOrder; } }));
Object.defineProperty(exports, "rocAuc", ({ enumerable: true, get: function () { return ranking_js_1.rocAuc; } }));
Object.defineProperty(exports, "binaryRanking", ({ enumerable: true, get: function () { return ranking_js_1.binaryRanking; } }));
Object.defineProperty(exports, "thresholdCounts", ({ enumerable: true, get: function () { return ranking_js_1.thresholdCounts; } }));
var classification_js_1 = __nccwpck_require__(4042);
Object.defineProperty(exports, "classificationMetrics", ({ enumerable: true, get: function () { return classification_js_1.classificationMetrics; } }));
Object.defineProperty(exports, "oneHot", ({ enumerable: true, get: function () { return classification_js_1.oneHot; } }));
Object.defineProperty(exports, "ovoPairs", ({ enumerable: true, get: function () { return classification_js_1.ovoPairs; } }));
var regression_js_1 = __nccwpck_require__(3843);
Object.defineProperty(exports, "regressionMetrics", ({ enumerable: true, get: function () { return regression_js_1.regressionMetrics; } }));
var multilabel_js_1 = __nccwpck_require__(5811);
Object.defineProperty(exports, "multilabelMetrics", ({ enumerable: true, get: function () { return multilabel_js_1.multilabelMetrics; } }));
var confusion_metrics_js_1 = __nccwpck_require__(3816);
Object.defineProperty(exports, "confusionMetric", ({ enumerable: true, get: function () { return confusion_metrics_js_1.confusionMetric; } }));
Object.defineProperty(exports, "normalizeConfusion", ({ enumerable: true, get: function () { return confusion_metrics_js_1.normalizeConfusion; } }));
Object.defineProperty(exports, "betaOf", ({ enumerable: true, get: function () { return confusion_metrics_js_1.betaOf; } }));
Object.defineProperty(exports, "averagedPrf", ({ enumerable: true, get: function () { return confusion_metrics_js_1.averagedPrf; } }));
Object.defineProperty(exports, "perClassPrf", ({ enumerable: true, get: function () { return confusion_metrics_js_1.perClassPrf; } }));
var curves_js_1 = __nccwpck_require__(306);
Object.defineProperty(exports, "rocCurveOnGrid", ({ enumerable: true, get: function () { return curves_js_1.rocCurveOnGrid; } }));
Object.defineProperty(exports, "prCurveOnGrid", ({ enumerable: true, get: function () { return curves_js_1.prCurveOnGrid; } }));
Object.defineProperty(exports, "calibrationCurve", ({ enumerable: true, get: function () { return curves_js_1.calibrationCurve; } }));
Object.defineProperty(exports, "CURVE_POINTS", ({ enumerable: true, get: function () { return curves_js_1.CURVE_POINTS; } }));
var evaluate_js_1 = __nccwpck_require__(4157);
Object.defineProperty(exports, "evaluateModels", ({ enumerable: true, get: function () { return evaluate_js_1.evaluateModels; } }));
Object.defineProperty(exports, "metricsFor", ({ enumerable: true, get: function () { return evaluate_js_1.metricsFor; } }));


/***/ }),

/***/ 866:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.canonicalLabel = canonicalLabel;
exports.labelText = labelText;
exports.distinctLabels = distinctLabels;
exports.labelIndices = labelIndices;
/** Canonical text of a label: numbers as JavaScript prints them (`1.0` -> `1`), other text trimmed. */
function canonicalLabel(raw) {
    const text = raw.trim();
    if (text !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text))
        return String(Number(text));
    return text;
}
/** One row's label as text. */
function labelText(column, i) {
    const v = column.values[i];
    return typeof v === 'string' ? canonicalLabel(v) : String(v);
}
/** The distinct labels of a label output, as text. */
function distinctLabels(column) {
    if (Array.isArray(column.values))
        return new Set(column.values.map((v) => canonicalLabel(v)));
    const distinct = new Set();
    const values = column.values;
    let prev = NaN;
    for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v !== prev) {
            distinct.add(v);
            prev = v;
        }
    }
    return new Set([...distinct].map((v) => String(v)));
}
/** Class index of each row of a label output. */
function labelIndices(column, index) {
    const n = column.values.length;
    const out = new Int32Array(n);
    if (Array.isArray(column.values)) {
        for (let i = 0; i < n; i++)
            out[i] = index.get(canonicalLabel(column.values[i]));
        return out;
    }
    const byValue = new Map();
    const values = column.values;
    let prev = NaN;
    let prevClass = 0;
    for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v !== prev) {
            let c = byValue.get(v);
            if (c === undefined) {
                c = index.get(String(v));
                byValue.set(v, c);
            }
            prev = v;
            prevClass = c;
        }
        out[i] = prevClass;
    }
    return out;
}


/***/ }),

/***/ 7277:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.accuracyFromConfusion = exports.METRIC_NAMES = void 0;
exports.higherIsBetter = higherIsBetter;
exports.confusionCounts = confusionCounts;
exports.prfFromConfusion = prfFromConfusion;
exports.rowLogLoss = rowLogLoss;
exports.columnIsClass = columnIsClass;
exports.column = column;
exports.r2FromSums = r2FromSums;
const confusion_metrics_js_1 = __nccwpck_require__(3816);
/** The metrics computed for each task, in the order reports list them. */
exports.METRIC_NAMES = {
    binary: [
        'accuracy',
        'balanced_accuracy',
        'precision',
        'recall',
        'f1',
        'matthews_corrcoef',
        'cohen_kappa',
        'log_loss',
        'brier_score',
        'roc_auc',
        'average_precision',
    ],
    multiclass: [
        'accuracy',
        'balanced_accuracy',
        'precision_macro',
        'recall_macro',
        'f1_macro',
        'precision_micro',
        'recall_micro',
        'f1_micro',
        'precision_weighted',
        'recall_weighted',
        'f1_weighted',
        'matthews_corrcoef',
        'cohen_kappa',
        'log_loss',
        'roc_auc_ovr',
        'roc_auc_ovr_weighted',
        'roc_auc_ovr_micro',
        'roc_auc_ovo',
        'roc_auc_ovo_weighted',
    ],
    multilabel: [
        'accuracy',
        'hamming_loss',
        'precision_micro',
        'recall_micro',
        'f1_micro',
        'precision_macro',
        'recall_macro',
        'f1_macro',
        'precision_weighted',
        'recall_weighted',
        'f1_weighted',
        'precision_samples',
        'recall_samples',
        'f1_samples',
        'roc_auc_macro',
        'roc_auc_weighted',
        'roc_auc_micro',
        'average_precision_macro',
        'average_precision_weighted',
        'average_precision_micro',
    ],
    regression: ['mse', 'rmse', 'mae', 'r2', 'explained_variance', 'max_error', 'mape', 'median_absolute_error'],
};
/** Whether a larger value of the metric is better (for deltas and report arrows). */
function higherIsBetter(metric) {
    return !/^(log_loss|log_loss_sum|brier_score|hamming_loss|mse|rmse|mae|max_error|mape|median_absolute_error)(\[.*\])?$/.test(metric);
}
/** K x K confusion matrix (weighted by `weights` when given) as a flat row-major array. */
function confusionCounts(truth, predicted, k) {
    const counts = new Float64Array(k * k);
    for (let i = 0; i < truth.length; i++)
        counts[truth[i] * k + predicted[i]] += 1;
    return counts;
}
/** scikit-learn's precision/recall/F1 from a confusion matrix (flat, K x K), every averaging mode. */
function prfFromConfusion(confusion, k, positive = 1) {
    const tp = new Float64Array(k);
    const predictedCount = new Float64Array(k);
    const support = new Float64Array(k);
    for (let t = 0; t < k; t++) {
        for (let p = 0; p < k; p++) {
            const c = confusion[t * k + p];
            support[t] += c;
            predictedCount[p] += c;
            if (t === p)
                tp[t] = c;
        }
    }
    const div = (a, b) => (b === 0 ? 0 : a / b);
    const f1 = (p, r) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
    const precision = new Float64Array(k);
    const recall = new Float64Array(k);
    const f = new Float64Array(k);
    let macroP = 0;
    let macroR = 0;
    let macroF = 0;
    let wP = 0;
    let wR = 0;
    let wF = 0;
    let totalSupport = 0;
    let tpSum = 0;
    let predSum = 0;
    for (let c = 0; c < k; c++) {
        precision[c] = div(tp[c], predictedCount[c]);
        recall[c] = div(tp[c], support[c]);
        f[c] = f1(precision[c], recall[c]);
        macroP += precision[c];
        macroR += recall[c];
        macroF += f[c];
        wP += precision[c] * support[c];
        wR += recall[c] * support[c];
        wF += f[c] * support[c];
        totalSupport += support[c];
        tpSum += tp[c];
        predSum += predictedCount[c];
    }
    const microP = div(tpSum, predSum);
    const microR = div(tpSum, totalSupport);
    const pos = Math.min(positive, k - 1);
    return {
        binary: { precision: precision[pos] ?? 0, recall: recall[pos] ?? 0, f1: f[pos] ?? 0 },
        macro: { precision: macroP / k, recall: macroR / k, f1: macroF / k },
        micro: { precision: microP, recall: microR, f1: f1(microP, microR) },
        weighted: {
            precision: div(wP, totalSupport),
            recall: div(wR, totalSupport),
            f1: div(wF, totalSupport),
        },
    };
}
/** Accuracy from a flat confusion matrix (NaN for an empty one: never a number that looks like a result). */
exports.accuracyFromConfusion = confusion_metrics_js_1.accuracy;
const EPS64 = 2.220446049250313e-16;
/**
 * Per-row log loss as scikit-learn 1.2 computes it (`eps="auto"` for float64: clip to
 * [eps, 1 - eps], then renormalise each row to sum to 1), so the mean of these is `log_loss`.
 */
function rowLogLoss(truth, probabilities, k) {
    const n = truth.length;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let c = 0; c < k; c++)
            sum += clip(probabilities[i * k + c]);
        out[i] = -Math.log(clip(probabilities[i * k + truth[i]]) / sum);
    }
    return out;
}
function clip(p) {
    return p < EPS64 ? EPS64 : p > 1 - EPS64 ? 1 - EPS64 : p;
}
function columnIsClass(truth, c) {
    const out = new Uint8Array(truth.length);
    for (let i = 0; i < truth.length; i++)
        out[i] = truth[i] === c ? 1 : 0;
    return out;
}
function column(matrix, k, c) {
    const n = matrix.length / k;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++)
        out[i] = matrix[i * k + c];
    return out;
}
/** R² from the residual and total sums of squares, scikit-learn's `force_finite=True` rules. */
function r2FromSums(residual, total, n) {
    if (n < 2)
        return null;
    if (total === 0)
        return residual === 0 ? 1 : 0;
    return 1 - residual / total;
}


/***/ }),

/***/ 1263:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.MULTILABEL_THRESHOLD = void 0;
exports.interpretMultiTarget = interpretMultiTarget;
/**
 * Several label columns: multilabel classification (K columns of 0/1, a model with [N,K]
 * sigmoid scores and/or [N,K] 0/1 labels) or multi-output regression (K numeric targets, a
 * model with one [N,K] float output). Column j of the model's output is label column j, in
 * the order `label-column` lists them.
 */
const common_1 = __nccwpck_require__(8051);
const finite_js_1 = __nccwpck_require__(9853);
const isFloat = (o) => o.type === 'float32' || o.type === 'float64' || o.type === 'float16';
/** scikit-learn's multilabel decision (LabelBinarizer.inverse_transform): a label is predicted when its score is above 0.5. */
exports.MULTILABEL_THRESHOLD = 0.5;
function describeOutputs(raw) {
    return raw.outputs.map((o) => `${o.name}: ${o.type}[N${o.width > 1 ? `,${o.width}` : ''}]`).join('; ');
}
function rolesOf(raw, k, path, columns) {
    const wide = raw.outputs.filter((o) => o.width === k);
    const scores = wide.find((o) => isFloat(o) && /prob|score|sigmoid|variable|output/i.test(o.name)) ?? wide.find(isFloat);
    const labels = wide.find((o) => !isFloat(o) && !Array.isArray(o.values));
    if (!scores && !labels) {
        throw new common_1.UserError(`Model ${path}: the holdout has ${k} label columns (${columns.join(', ')}), but no output of the model is [N,${k}] (outputs: ${describeOutputs(raw)})`, {
            fix: `Export the model with one [N,${k}] output (column j = label column j), or list in \`label-column:\` exactly the columns the model predicts, in its output order.`,
        });
    }
    if (scores)
        (0, finite_js_1.requireFiniteOutput)(scores.values, k, path, scores.name);
    return { scores, labels };
}
/** The first cell of the label columns that is not 0/1, or undefined when every one is. */
function firstNonBinary(holdout) {
    const targets = holdout.targets;
    for (let j = 0; j < targets.length; j++) {
        const col = targets[j];
        for (let i = 0; i < col.length; i++) {
            const v = col[i];
            if (v !== '0' && v !== '1')
                return { column: holdout.labelColumns[j], row: i + 1, value: v };
        }
    }
    return undefined;
}
/** Reads several label columns and the models' [N,K] outputs as a multilabel or multi-output regression task. */
function interpretMultiTarget(holdout, raws, paths, setting) {
    const columns = holdout.labelColumns;
    const targets = holdout.targets;
    const k = columns.length;
    const n = holdout.rows;
    if (setting === 'binary' || setting === 'multiclass') {
        throw new common_1.UserError(`task is ${setting}, but \`label-column\` names ${k} columns (${columns.join(', ')}): several label columns are a multilabel or multi-output regression task`, {
            fix: 'Set `task: multilabel` or `task: regression` (or `auto`), or give one label column for a binary or multiclass model.',
        });
    }
    columns.forEach((c, j) => (0, finite_js_1.requireFiniteLabels)(targets[j], holdout.path, c));
    const roles = raws.map((raw, i) => rolesOf(raw, k, paths[i], columns));
    const nonBinary = firstNonBinary(holdout);
    const inUnit = (o) => !o || o.values.every((v) => v >= 0 && v <= 1);
    let task;
    let reason;
    if (setting === 'multilabel' ||
        (setting === 'auto' && !nonBinary && roles.every((r) => r.labels || inUnit(r.scores)))) {
        if (nonBinary) {
            throw new common_1.UserError(`task is multilabel, but label column "${nonBinary.column}" holds "${nonBinary.value}" (data row ${nonBinary.row}); multilabel columns hold 0 or 1`, {
                fix: 'Encode each label as a 0/1 column, or set `task: regression` for numeric targets.',
                location: { file: holdout.path },
            });
        }
        task = 'multilabel';
        reason =
            setting === 'auto'
                ? `auto: ${k} label columns of 0/1 (${columns.join(', ')}) and [N,${k}] model outputs`
                : `task: multilabel (as set); ${k} label columns`;
    }
    else {
        task = 'regression';
        reason =
            setting === 'auto'
                ? `auto: ${k} numeric target columns (${columns.join(', ')}) and a [N,${k}] continuous model output`
                : `task: regression (as set); ${k} target columns`;
    }
    if (task === 'multilabel') {
        const truthMatrix = new Uint8Array(n * k);
        for (let j = 0; j < k; j++) {
            const col = targets[j];
            for (let i = 0; i < n; i++)
                truthMatrix[i * k + j] = col[i] === '1' ? 1 : 0;
        }
        const models = roles.map((r) => {
            const scores = r.scores ? Float64Array.from(r.scores.values) : undefined;
            const predictedMatrix = new Uint8Array(n * k);
            if (r.labels) {
                const v = r.labels.values;
                for (let i = 0; i < n * k; i++)
                    predictedMatrix[i] = v[i] !== 0 ? 1 : 0;
            }
            else {
                for (let i = 0; i < n * k; i++)
                    predictedMatrix[i] = scores[i] > exports.MULTILABEL_THRESHOLD ? 1 : 0;
            }
            return { labelOutput: r.labels?.name, scoreOutput: r.scores?.name, predictedMatrix, scores };
        });
        return { task, reason, targets: columns, truthMatrix, models };
    }
    const truthValues = new Float64Array(n * k);
    for (let j = 0; j < k; j++) {
        const col = targets[j];
        for (let i = 0; i < n; i++) {
            const v = Number(col[i]);
            if (!Number.isFinite(v)) {
                throw new common_1.UserError(`Dataset ${holdout.path}: regression needs numeric targets, but "${columns[j]}" holds "${col[i]}" (data row ${i + 1})`, {
                    fix: 'Set `task: multilabel` for 0/1 label columns, or `label-column:` to the numeric targets.',
                    location: { file: holdout.path },
                });
            }
            truthValues[i * k + j] = v;
        }
    }
    const models = roles.map((r, i) => {
        if (!r.scores) {
            throw new common_1.UserError(`Model ${paths[i]} gives no continuous [N,${k}] output for ${k} regression targets (outputs: ${describeOutputs(raws[i])})`, { fix: 'Export the regressor with one float output [N,K], column j predicting label column j.' });
        }
        return { scoreOutput: r.scores.name, values: Float64Array.from(r.scores.values) };
    });
    return { task, reason, targets: columns, truthValues, models };
}


/***/ }),

/***/ 5811:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.multilabelMetrics = multilabelMetrics;
/**
 * Multilabel classification (scikit-learn's "multilabel-indicator"): each row has K 0/1
 * labels (truth) and K 0/1 predictions, optionally K scores (e.g. [N,K] sigmoid outputs).
 * Averages as scikit-learn 1.2 defines them for that target type.
 */
const common_1 = __nccwpck_require__(8051);
const confusion_metrics_js_1 = __nccwpck_require__(3816);
const ranking_js_1 = __nccwpck_require__(4038);
function multilabelMetrics(input, options = {}) {
    const { truth, predicted, scores, labels } = input;
    const k = labels.length;
    const n = truth.length / k;
    if (n === 0)
        throw new common_1.UserError('Multilabel metrics of zero rows: an empty holdout has no score', {
            fix: 'Evaluate on a holdout set with at least one row.',
        });
    const zd = options.zeroDivision ?? 0;
    const zdValue = zd === 'nan' ? NaN : zd;
    const tp = new Float64Array(k);
    const pred = new Float64Array(k);
    const support = new Float64Array(k);
    let exact = 0;
    let wrong = 0;
    let sp = 0;
    let sr = 0;
    let sf = 0;
    let spCount = 0;
    let srCount = 0;
    let sfCount = 0;
    for (let i = 0; i < n; i++) {
        let rowTp = 0;
        let rowPred = 0;
        let rowTrue = 0;
        let same = true;
        for (let c = 0; c < k; c++) {
            const t = truth[i * k + c];
            const p = predicted[i * k + c];
            tp[c] += t & p;
            pred[c] += p;
            support[c] += t;
            rowTp += t & p;
            rowPred += p;
            rowTrue += t;
            if (t !== p) {
                same = false;
                wrong++;
            }
        }
        if (same)
            exact++;
        // average="samples": each row's precision/recall/F1 over its labels.
        const p = rowPred ? rowTp / rowPred : zdValue;
        const r = rowTrue ? rowTp / rowTrue : zdValue;
        const f = Number.isNaN(p) || Number.isNaN(r) ? NaN : p + r === 0 ? 0 : (2 * p * r) / (p + r);
        if (!Number.isNaN(p)) {
            sp += p;
            spCount++;
        }
        if (!Number.isNaN(r)) {
            sr += r;
            srCount++;
        }
        if (!Number.isNaN(f)) {
            sf += f;
            sfCount++;
        }
    }
    const values = {};
    const notes = {};
    const nanToNull = (name, v) => {
        values[name] = Number.isNaN(v) ? null : v;
        if (Number.isNaN(v))
            notes[name] = 'undefined: a denominator is zero and zero_division is NaN';
    };
    values.accuracy = exact / n;
    notes.accuracy = 'subset accuracy: a row counts only when every label is right';
    values.hamming_loss = wrong / (n * k);
    const counts = { tp, predicted: pred, support, total: n };
    for (const avg of ['micro', 'macro', 'weighted']) {
        nanToNull(`precision_${avg}`, (0, confusion_metrics_js_1.averagedPrf)(counts, 'precision', 1, avg, zd));
        nanToNull(`recall_${avg}`, (0, confusion_metrics_js_1.averagedPrf)(counts, 'recall', 1, avg, zd));
        nanToNull(`f1_${avg}`, (0, confusion_metrics_js_1.averagedPrf)(counts, 'f', 1, avg, zd));
    }
    // With zero_division=NaN, rows where a value is undefined are left out of the mean.
    nanToNull('precision_samples', spCount ? sp / spCount : NaN);
    nanToNull('recall_samples', srCount ? sr / srCount : NaN);
    nanToNull('f1_samples', sfCount ? sf / sfCount : NaN);
    const perClass = {
        classes: labels,
        precision: Array.from((0, confusion_metrics_js_1.perClassPrf)(counts, 'precision', 1, zd)),
        recall: Array.from((0, confusion_metrics_js_1.perClassPrf)(counts, 'recall', 1, zd)),
        f1: Array.from((0, confusion_metrics_js_1.perClassPrf)(counts, 'f', 1, zd)),
        support: Array.from(support),
    };
    labels.forEach((l, c) => {
        nanToNull(`precision[${l}]`, perClass.precision[c]);
        nanToNull(`recall[${l}]`, perClass.recall[c]);
        nanToNull(`f1[${l}]`, perClass.f1[c]);
        values[`support[${l}]`] = support[c];
    });
    if (scores) {
        const aucs = [];
        const aps = [];
        for (let c = 0; c < k; c++) {
            const positive = new Uint8Array(n);
            const s = new Float64Array(n);
            for (let i = 0; i < n; i++) {
                positive[i] = truth[i * k + c];
                s[i] = scores[i * k + c];
            }
            const r = (0, ranking_js_1.binaryRanking)(positive, s);
            aucs.push(r.rocAuc);
            aps.push(r.averagePrecision);
        }
        const average = (xs, weights) => {
            if (xs.some((x) => x === null))
                return null;
            let total = 0;
            let w = 0;
            xs.forEach((x, c) => {
                const wc = weights ? weights[c] : 1;
                total += x * wc;
                w += wc;
            });
            return total / w;
        };
        values.roc_auc_macro = average(aucs);
        values.roc_auc_weighted = average(aucs, support);
        values.average_precision_macro = average(aps);
        values.average_precision_weighted = average(aps, support);
        const micro = (0, ranking_js_1.binaryRanking)(truth, scores);
        values.roc_auc_micro = micro.rocAuc;
        values.average_precision_micro = micro.averagePrecision;
        for (const name of ['roc_auc_macro', 'roc_auc_weighted', 'average_precision_macro', 'average_precision_weighted']) {
            if (values[name] === null)
                notes[name] = 'undefined: a label has only one class in the holdout';
        }
    }
    return { values, notes, perClass };
}


/***/ }),

/***/ 1825:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.readOnnxSignature = exports.openOnnxModel = exports.loadOnnxRuntime = exports.describeTensor = exports.describeSignature = void 0;
/**
 * ONNX loading and signatures live in @mlops-gha/onnx, shared with the registry and the model
 * server; the evaluation modules (evaluate.ts, predict.ts) reach them through this module.
 */
var onnx_1 = __nccwpck_require__(9173);
Object.defineProperty(exports, "describeSignature", ({ enumerable: true, get: function () { return onnx_1.describeSignature; } }));
Object.defineProperty(exports, "describeTensor", ({ enumerable: true, get: function () { return onnx_1.describeTensor; } }));
Object.defineProperty(exports, "loadOnnxRuntime", ({ enumerable: true, get: function () { return onnx_1.loadOnnxRuntime; } }));
Object.defineProperty(exports, "openOnnxModel", ({ enumerable: true, get: function () { return onnx_1.openOnnxModel; } }));
Object.defineProperty(exports, "readOnnxSignature", ({ enumerable: true, get: function () { return onnx_1.readOnnxSignature; } }));


/***/ }),

/***/ 2261:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.predict = predict;
const common_1 = __nccwpck_require__(8051);
const onnx_js_1 = __nccwpck_require__(1825);
const FLOAT_TYPES = new Set(['float32', 'float64']);
function featureFeeder(ort, model, holdout) {
    const inputs = model.signature.inputs;
    const f = holdout.featureNames.length;
    const columns = holdout.featureNames.join(', ');
    const where = `model ${model.path} (${(0, onnx_js_1.describeSignature)(model.signature)})`;
    if (inputs.length === 1) {
        const input = inputs[0];
        if (!input.isTensor || !FLOAT_TYPES.has(input.type)) {
            throw new common_1.UserError(`The ${where} takes ${(0, onnx_js_1.describeTensor)(input)}, but the holdout gives float features (${columns})`, {
                fix: 'Export the model with one float input of shape [N, features], or one float [N,1] input per feature column.',
            });
        }
        const width = input.shape.length === 2 ? input.shape[1] : undefined;
        if (input.shape.length !== 2 || (typeof width === 'number' && width !== f)) {
            throw new common_1.UserError(`The ${where} expects input ${(0, onnx_js_1.describeTensor)(input)}, but the holdout has ${f} feature column(s): ${columns}`, {
                fix: typeof width === 'number'
                    ? `Give the model exactly ${width} feature columns: set \`feature-columns:\` (in the model's order) or fix \`label-column:\`.`
                    : 'Export the model with a rank-2 input [N, features].',
            });
        }
        const double = input.type === 'float64';
        return (start, end) => {
            const data = holdout.features.subarray(start * f, end * f);
            return {
                [input.name]: new ort.Tensor(double ? 'float64' : 'float32', double ? Float64Array.from(data) : data, [
                    end - start,
                    f,
                ]),
            };
        };
    }
    // One input per feature column, matched by name.
    const missing = inputs.filter((i) => !holdout.featureNames.includes(i.name));
    const bad = inputs.filter((i) => !i.isTensor || !FLOAT_TYPES.has(i.type));
    if (missing.length || bad.length || inputs.length !== f) {
        const problems = [
            missing.length ? `no holdout column for input(s) ${missing.map((i) => i.name).join(', ')}` : '',
            bad.length ? `non-float input(s) ${bad.map(onnx_js_1.describeTensor).join(', ')}` : '',
            inputs.length !== f ? `${inputs.length} inputs for ${f} feature columns` : '',
        ].filter(Boolean);
        throw new common_1.UserError(`The ${where} does not match the holdout's feature columns (${columns}): ${problems.join('; ')}`, {
            fix: 'Name the feature columns after the model inputs (or set `feature-columns:` to them), one numeric column per input.',
        });
    }
    const index = inputs.map((i) => holdout.featureNames.indexOf(i.name));
    return (start, end) => {
        const feeds = {};
        const rows = end - start;
        inputs.forEach((input, j) => {
            const col = input.type === 'float64' ? new Float64Array(rows) : new Float32Array(rows);
            for (let r = 0; r < rows; r++)
                col[r] = holdout.features[(start + r) * f + index[j]];
            feeds[input.name] = new ort.Tensor(input.type, col, input.shape.length === 1 ? [rows] : [rows, 1]);
        });
        return feeds;
    };
}
function outputWidth(dims, name, path) {
    if (dims.length === 1)
        return 1;
    if (dims.length === 2)
        return dims[1];
    throw new common_1.UserError(`Model ${path}: output ${name} has shape [${dims.join(',')}]; predictions must be [N] or [N,K]`, {
        fix: 'Export the model with outputs of shape [N] (labels, values) or [N,K] (probabilities).',
    });
}
/**
 * Runs the model over the holdout in batches and collects every tensor output. Non-tensor
 * outputs (e.g. scikit-learn's ZipMap dictionaries) are not fetched.
 */
async function predict(model, holdout, options = {}) {
    const ort = await (0, onnx_js_1.loadOnnxRuntime)();
    const batchSize = options.batchSize ?? 8192;
    const feeder = featureFeeder(ort, model, holdout);
    const fetched = model.signature.outputs.filter((o) => o.isTensor);
    if (fetched.length === 0) {
        throw new common_1.UserError(`Model ${model.path} has no tensor outputs to read predictions from (${(0, onnx_js_1.describeSignature)(model.signature)})`, {
            fix: 'Export the classifier without ZipMap (skl2onnx: options={"zipmap": False}) so probabilities are a [N,K] tensor.',
        });
    }
    const names = fetched.map((o) => o.name);
    const n = holdout.rows;
    const columns = fetched.map(() => undefined);
    for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(n, start + batchSize);
        let result;
        try {
            result = await model.session.run(feeder(start, end), names);
        }
        catch (error) {
            throw new common_1.UserError(`Model ${model.path} failed on holdout rows ${start + 1}-${end}: ${error.message}`, {
                fix: `Check that the holdout's feature columns match the model's inputs (${(0, onnx_js_1.describeSignature)(model.signature)}).`,
                cause: error,
            });
        }
        fetched.forEach((sig, j) => {
            const tensor = result[sig.name];
            const width = outputWidth(tensor.dims, sig.name, model.path);
            let column = columns[j];
            if (!column) {
                column = {
                    name: sig.name,
                    type: tensor.type,
                    width,
                    values: tensor.type === 'string' ? new Array(n * width) : new Float64Array(n * width),
                };
                columns[j] = column;
            }
            else if (column.width !== width) {
                throw new common_1.UserError(`Model ${model.path}: output ${sig.name} changed width between batches (${column.width} then ${width})`);
            }
            const rows = end - start;
            const data = tensor.data;
            if (tensor.dims[0] !== rows) {
                throw new common_1.UserError(`Model ${model.path}: output ${sig.name} has ${tensor.dims[0]} rows for a batch of ${rows}; predictions must have one row per input row`, {
                    fix: `Export the model with a batch dimension first on every output (${(0, onnx_js_1.describeSignature)(model.signature)}).`,
                });
            }
            const offset = start * width;
            if (Array.isArray(column.values)) {
                const strings = data;
                for (let i = 0; i < rows * width; i++)
                    column.values[offset + i] = strings[i];
            }
            else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
                // Class labels are small integers: read the 64-bit words as pairs of 32-bit halves
                // (little-endian) instead of converting BigInts one by one.
                const out = column.values;
                const halves = new Int32Array(data.buffer, data.byteOffset, data.length * 2);
                for (let i = 0; i < rows * width; i++) {
                    const low = halves[2 * i];
                    const high = halves[2 * i + 1];
                    out[offset + i] = (high === 0 && low >= 0) || (high === -1 && low < 0) ? low : Number(data[i]);
                }
            }
            else {
                column.values.set(data, offset);
            }
            tensor.dispose?.();
        });
        options.onBatch?.(end - start);
    }
    return { rows: n, outputs: columns.filter((c) => c !== undefined) };
}


/***/ }),

/***/ 4038:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.sortedOrder = sortedOrder;
exports.rocAuc = rocAuc;
exports.thresholdCounts = thresholdCounts;
exports.binaryRanking = binaryRanking;
/**
 * Everything that ranks rows by a score: the stable sort every AUC and bootstrap pass uses,
 * and scikit-learn's binary ranking metrics (ROC AUC, average precision) and curves, all
 * from one sort. Scores must be finite: callers check them first (see finite.ts), and these
 * functions refuse a NaN rather than loop on it (NaN === NaN is false, which once made the
 * tie-grouping loop spin forever).
 */
const common_1 = __nccwpck_require__(8051);
const RADIX_MIN = 4096;
/** Rows ordered by ascending 32-bit image, ties by row: LSD radix sort, two 16-bit digits. */
function radixOrder(images) {
    const n = images.length;
    const count = new Uint32Array(65537);
    // pass 1 (low digit), rows in index order
    for (let i = 0; i < n; i++)
        count[(images[i] & 0xffff) + 1]++;
    for (let d = 1; d <= 65536; d++)
        count[d] += count[d - 1];
    const low = new Int32Array(n);
    for (let i = 0; i < n; i++)
        low[count[images[i] & 0xffff]++] = i;
    // pass 2 (high digit), stable over pass 1
    count.fill(0);
    for (let i = 0; i < n; i++)
        count[(images[i] >>> 16) + 1]++;
    for (let d = 1; d <= 65536; d++)
        count[d] += count[d - 1];
    const order = new Int32Array(n);
    for (let t = 0; t < n; t++) {
        const row = low[t];
        order[count[images[row] >>> 16]++] = row;
    }
    return order;
}
/**
 * The order-preserving 32-bit images of float32-representable scores (what ONNX models
 * output), or undefined when a score is not one: negative floats have all bits flipped,
 * positive ones the sign bit; -0 and +0 tie.
 */
function float32Images(scores) {
    const images = new Uint32Array(scores.length);
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    for (let i = 0; i < scores.length; i++) {
        const s = scores[i];
        f32[0] = s;
        if (f32[0] !== s && !(Number.isNaN(s) && Number.isNaN(f32[0])))
            return undefined;
        const bits = u32[0];
        images[i] = s === 0 ? 0x80000000 : bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
    }
    return images;
}
/** Row indices sorted by ascending score (ties by row index, i.e. stable). */
function sortedOrder(scores) {
    const n = scores.length;
    const images = float32Images(scores);
    // Large columns (the bootstrap and every AUC sort 10^5 rows): a linear-time radix sort.
    if (images && n >= RADIX_MIN)
        return radixOrder(images);
    const order = new Int32Array(n);
    if (images) {
        // Small ones: one exact float64 key, image * 2^21 + row, sorted natively without a comparator.
        const keys = new Float64Array(n);
        for (let i = 0; i < n; i++)
            keys[i] = images[i] * 2097152 + i;
        keys.sort();
        for (let t = 0; t < n; t++)
            order[t] = keys[t] % 2097152;
        return order;
    }
    const values = Float64Array.from(scores);
    for (let i = 0; i < n; i++)
        order[i] = i;
    order.sort((a, b) => values[a] - values[b] || a - b);
    return order;
}
/** Refuses non-finite scores: a programming error past the input checks, never a hang. */
function assertFinite(scores, what) {
    for (let i = 0; i < scores.length; i++) {
        if (!Number.isFinite(scores[i])) {
            throw new common_1.UserError(`${what}: score ${scores[i]} at row ${i + 1} is not a finite number`, {
                fix: 'Scores must be finite numbers; scikit-learn refuses NaN and infinite values too ("Input contains NaN").',
            });
        }
    }
}
/**
 * Binary ROC AUC (the area under scikit-learn's trapezoidal ROC curve, which equals the
 * Mann-Whitney statistic with ties counted half). Null when one class is absent.
 */
function rocAuc(positive, scores) {
    return binaryRanking(positive, scores).rocAuc;
}
/** Cumulative counts at each distinct score, highest first (an ascending `order` may be passed in to share a sort). */
function thresholdCounts(positive, scores, order) {
    assertFinite(scores, 'ranking metric');
    const n = positive.length;
    const ascending = order ?? sortedOrder(scores);
    const tps = new Float64Array(n);
    const fps = new Float64Array(n);
    const thresholds = new Float64Array(n);
    let groups = 0;
    let tp = 0;
    let fp = 0;
    // Descending: a new score closes the previous tie group (one read of each score).
    let prev = NaN;
    for (let t = n - 1; t >= 0; t--) {
        const row = ascending[t];
        const s = scores[row];
        if (s !== prev && t !== n - 1) {
            tps[groups] = tp;
            fps[groups] = fp;
            thresholds[groups++] = prev;
        }
        if (positive[row])
            tp++;
        else
            fp++;
        prev = s;
    }
    if (n > 0) {
        tps[groups] = tp;
        fps[groups] = fp;
        thresholds[groups++] = prev;
    }
    return {
        tps: tps.subarray(0, groups),
        fps: fps.subarray(0, groups),
        thresholds: thresholds.subarray(0, groups),
        positives: tp,
        negatives: fp,
    };
}
/** ROC AUC and average precision from one sort; null where a class is absent. */
function binaryRanking(positive, scores, order) {
    const counts = thresholdCounts(positive, scores, order);
    const { tps, fps, positives, negatives } = counts;
    let area = 0;
    let ap = 0;
    let prevTp = 0;
    let prevFp = 0;
    for (let g = 0; g < tps.length; g++) {
        const tp = tps[g];
        const fp = fps[g];
        // Trapezoid between consecutive ROC points (in counts; normalised below).
        area += (fp - prevFp) * (tp + prevTp) * 0.5;
        if (tp > prevTp)
            ap += (tp - prevTp) * (tp / (tp + fp));
        prevTp = tp;
        prevFp = fp;
    }
    return {
        rocAuc: positives === 0 || negatives === 0 ? null : area / (positives * negatives),
        averagePrecision: positives === 0 ? null : ap / positives,
        counts,
    };
}


/***/ }),

/***/ 3843:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.regressionMetrics = regressionMetrics;
/**
 * Regression metrics by scikit-learn's definitions (1.2), for one target or several
 * (multi-output: targets and predictions N x K, row-major, combined as `multioutput` says).
 */
const common_1 = __nccwpck_require__(8051);
/** np.finfo(np.float64).eps, the floor of |y| in scikit-learn's MAPE. */
const EPS64 = 2.220446049250313e-16;
function medianOf(values) {
    const sorted = values.slice().sort();
    const n = sorted.length;
    return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}
function perOutput(truth, predicted, k, j) {
    const n = truth.length / k;
    let se = 0;
    let ae = 0;
    let maxError = 0;
    let ape = 0;
    let sumY = 0;
    let sumD = 0;
    const abs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
        const y = truth[i * k + j];
        const d = y - predicted[i * k + j];
        se += d * d;
        abs[i] = Math.abs(d);
        ae += abs[i];
        if (abs[i] > maxError)
            maxError = abs[i];
        ape += abs[i] / Math.max(Math.abs(y), EPS64);
        sumY += y;
        sumD += d;
    }
    const meanY = sumY / n;
    const meanD = sumD / n;
    let den = 0;
    let evNum = 0;
    for (let i = 0; i < n; i++) {
        const y = truth[i * k + j];
        den += (y - meanY) ** 2;
        evNum += (y - predicted[i * k + j] - meanD) ** 2;
    }
    return {
        mse: se / n,
        mae: ae / n,
        maxError,
        mape: ape / n,
        median: medianOf(abs),
        r2Num: se / n,
        evNum: evNum / n,
        den: den / n,
    };
}
/** scikit-learn's `_assemble_r2_explained_variance` for one output. */
function assembled(num, den, forceFinite) {
    if (!forceFinite)
        return 1 - num / den; // NaN for 0/0, −∞ for x/0: reported as undefined
    if (den === 0)
        return num === 0 ? 1 : 0;
    return 1 - num / den;
}
/**
 * mse, rmse, mae, r2, explained_variance, max_error, mape, median_absolute_error. With several
 * outputs, `raw_values` gives one value per target (`mse[y2]`) and the others one combined value.
 */
function regressionMetrics(truth, predicted, options = {}) {
    const k = options.outputs ?? 1;
    const n = truth.length / k;
    if (n === 0) {
        throw new common_1.UserError('Regression metrics of zero rows: an empty holdout has no error to measure', {
            fix: 'Evaluate on a holdout set with at least one row.',
        });
    }
    const multioutput = options.multioutput ?? 'uniform_average';
    const forceFinite = options.forceFinite ?? true;
    const values = {};
    const notes = {};
    const per = Array.from({ length: k }, (_, j) => perOutput(truth, predicted, k, j));
    const names = options.outputNames ?? Array.from({ length: k }, (_, j) => String(j));
    const r2s = per.map((p) => assembled(p.r2Num, p.den, forceFinite));
    const evs = per.map((p) => assembled(p.evNum, p.den, forceFinite));
    const set = (name, value, why) => {
        if (Number.isFinite(value))
            values[name] = value;
        else {
            values[name] = null;
            notes[name] = why;
        }
    };
    const constantNote = 'undefined: the holdout target is constant (zero variance) and force_finite is off';
    if (multioutput === 'raw_values' && k > 1) {
        per.forEach((p, j) => {
            const t = names[j];
            values[`mse[${t}]`] = p.mse;
            values[`rmse[${t}]`] = Math.sqrt(p.mse);
            values[`mae[${t}]`] = p.mae;
            values[`mape[${t}]`] = p.mape;
            values[`median_absolute_error[${t}]`] = p.median;
            values[`max_error[${t}]`] = p.maxError;
            set(`r2[${t}]`, n < 2 ? NaN : r2s[j], n < 2 ? 'undefined: R² needs at least two rows' : constantNote);
            set(`explained_variance[${t}]`, evs[j], constantNote);
        });
        return { values, notes };
    }
    const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    values.mse = avg(per.map((p) => p.mse));
    // scikit-learn 1.2: rmse of several outputs is the mean of the per-output roots.
    values.rmse = avg(per.map((p) => Math.sqrt(p.mse)));
    values.mae = avg(per.map((p) => p.mae));
    values.mape = avg(per.map((p) => p.mape));
    values.median_absolute_error = avg(per.map((p) => p.median));
    if (k === 1)
        values.max_error = per[0].maxError;
    else
        notes.max_error = 'not defined for several outputs (scikit-learn: max_error does not support multioutput)';
    const combine = (scores) => {
        if (multioutput !== 'variance_weighted')
            return avg(scores);
        // Weights = each target's variance; all zero (every target constant): uniform, as scikit-learn.
        const dens = per.map((p) => p.den);
        const total = dens.reduce((a, b) => a + b, 0);
        if (total === 0)
            return avg(scores);
        return scores.reduce((a, s, j) => a + s * dens[j], 0) / total;
    };
    if (n < 2) {
        values.r2 = null;
        notes.r2 = 'undefined: R² needs at least two rows';
    }
    else {
        set('r2', combine(r2s), constantNote);
        if (per.some((p) => p.den === 0) && forceFinite) {
            notes.r2 = 'the holdout target is constant: scikit-learn reports 1.0 for a perfect fit, else 0.0';
        }
    }
    set('explained_variance', combine(evs), constantNote);
    if (k > 1)
        notes.multioutput = `${k} outputs combined as ${multioutput}`;
    return { values, notes };
}


/***/ }),

/***/ 8835:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.interpretationRows = interpretationRows;
exports.interpretPredictions = interpretPredictions;
const common_1 = __nccwpck_require__(8051);
const label_output_js_1 = __nccwpck_require__(866);
const finite_js_1 = __nccwpck_require__(9853);
const multi_target_js_1 = __nccwpck_require__(1263);
const label_output_js_2 = __nccwpck_require__(866);
/** Holdout rows of an interpretation (several targets share a row). */
function interpretationRows(interp) {
    const k = interp.targets?.length ?? 1;
    if (interp.truthMatrix)
        return interp.truthMatrix.length / k;
    if (interp.task === 'regression')
        return interp.truthValues.length / k;
    return interp.truthClasses.length;
}
const isFloat = (o) => o.type === 'float32' || o.type === 'float64' || o.type === 'float16';
function findRoles(raw) {
    const roles = {};
    const outputs = raw.outputs;
    roles.probabilities =
        outputs.find((o) => isFloat(o) && o.width >= 2 && /prob|score|softmax/i.test(o.name)) ??
            outputs.find((o) => isFloat(o) && o.width >= 2);
    roles.label =
        outputs.find((o) => o.width === 1 && !isFloat(o)) ??
            outputs.find((o) => o.width === 1 && /label|class/i.test(o.name));
    roles.value = outputs.find((o) => o.width === 1 && isFloat(o) && o !== roles.label);
    return roles;
}
/** Rows read to learn which class each probability column stands for: plenty, and bounded. */
const TALLY_ROWS = 20_000;
function sortClasses(labels) {
    const list = [...new Set(labels)];
    const numeric = list.every((l) => l !== '' && Number.isFinite(Number(l)));
    return numeric ? list.sort((a, b) => Number(a) - Number(b)) : list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
function describeOutputs(raw) {
    return raw.outputs.map((o) => `${o.name}: ${o.type}[N${o.width > 1 ? `,${o.width}` : ''}]`).join('; ');
}
/** Column j of a probability output -> class label, learnt from the label output where there is one. */
function columnClasses(probabilities, label, truthLabels, path) {
    const k = probabilities.width;
    const values = probabilities.values;
    const rows = Math.min(TALLY_ROWS, values.length / k);
    const mapped = new Array(k).fill(undefined);
    if (label) {
        const tally = Array.from({ length: k }, () => new Map());
        for (let i = 0; i < rows; i++) {
            let best = 0;
            for (let c = 1; c < k; c++)
                if (values[i * k + c] > values[i * k + best])
                    best = c;
            const t = tally[best];
            const l = (0, label_output_js_2.labelText)(label, i);
            t.set(l, (t.get(l) ?? 0) + 1);
        }
        tally.forEach((t, c) => {
            let top;
            let count = 0;
            for (const [l, n] of t)
                if (n > count)
                    [top, count] = [l, n];
            mapped[c] = top;
        });
    }
    const known = new Set([...truthLabels, ...mapped.filter((m) => m !== undefined)]);
    const allIntegers = [...known].every((l) => /^-?\d+$/.test(l));
    let fallback;
    if (allIntegers && [...known].every((l) => Number(l) >= 0 && Number(l) < k)) {
        fallback = Array.from({ length: k }, (_, c) => String(c));
    }
    else if (known.size === k) {
        fallback = sortClasses(known);
    }
    else {
        throw new common_1.UserError(`Model ${path}: cannot tell which class each of the ${k} columns of output ${probabilities.name} stands for (labels seen: ${sortClasses(known).join(', ')})`, {
            fix: 'Use integer class labels 0..K-1 in the holdout, or export the model with a label output next to the probabilities.',
        });
    }
    const result = mapped.map((m, c) => m ?? fallback[c]);
    if (new Set(result).size !== k)
        return fallback;
    return result;
}
/**
 * Decides the task (or checks the one given) from the holdout labels and the models'
 * outputs, and reads every model's outputs as predictions on one shared class list.
 * `raws[i]` belongs to `paths[i]`.
 */
function interpretPredictions(holdout, raws, paths, options = 'auto') {
    const { task: setting = 'auto', positiveLabel: rawPositive } = typeof options === 'string' ? { task: options } : options;
    const positiveLabel = rawPositive === undefined || rawPositive.trim() === '' ? undefined : (0, label_output_js_1.canonicalLabel)(rawPositive);
    if ((holdout.labelColumns?.length ?? 1) > 1 && holdout.targets) {
        return (0, multi_target_js_1.interpretMultiTarget)(holdout, raws, paths, setting);
    }
    if (setting === 'multilabel') {
        throw new common_1.UserError(`task is multilabel, but \`label-column\` names one column ("${holdout.labelColumn}")`, {
            fix: "List every 0/1 label column in `label-column:` (comma-separated, in the model's output order).",
        });
    }
    const roles = raws.map(findRoles);
    roles.forEach((r, i) => {
        if (!r.label && !r.probabilities && !r.value) {
            throw new common_1.UserError(`Model ${paths[i]}: none of its outputs (${describeOutputs(raws[i])}) reads as predictions: expected a label [N], probabilities [N,K] or a value [N,1]`, {
                fix: 'Export the model with a label and/or probabilities output (classifiers) or one float output (regressors).',
            });
        }
        // Scores, probabilities and values must be numbers before anything ranks or averages them.
        for (const o of [r.probabilities, r.value, r.label]) {
            if (o && isFloat(o))
                (0, finite_js_1.requireFiniteOutput)(o.values, o.width, paths[i], o.name);
        }
    });
    (0, finite_js_1.requireFiniteLabels)(holdout.labels, holdout.path, holdout.labelColumn);
    const labels = holdout.labels;
    // One pass over the labels: a code per row (first-seen order) and the distinct labels.
    const seen = new Map();
    const firstSeenCodes = new Int32Array(labels.length);
    let prevLabel;
    let prevCode = -1;
    for (let i = 0; i < labels.length; i++) {
        const l = labels[i];
        if (l !== prevLabel) {
            prevLabel = l;
            let code = seen.get(l);
            if (code === undefined) {
                code = seen.size;
                seen.set(l, code);
            }
            prevCode = code;
        }
        firstSeenCodes[i] = prevCode;
    }
    const truthSet = new Set(seen.keys());
    const anyClassifierOutput = roles.some((r) => r.label || r.probabilities);
    let task;
    let reason;
    if (setting === 'regression' || (setting === 'auto' && !anyClassifierOutput)) {
        // Two label values (any text: 0/1, 1/2, no/yes) and one score in [0, 1] per row: a binary
        // classifier's probability of the positive class, not a regression.
        const binaryLike = setting === 'auto' &&
            (truthSet.size === 2 || [...truthSet].every((l) => l === '0' || l === '1' || l === positiveLabel)) &&
            roles.every((r, i) => {
                const v = r.value?.values;
                return v !== undefined && v.every((x) => x >= 0 && x <= 1) && raws[i] !== undefined;
            });
        if (binaryLike) {
            task = 'binary';
            reason = `auto: the labels hold two values (${sortClasses(truthSet).join(', ')}) and the model output is one value in [0, 1], read as the probability of the positive class`;
        }
        else {
            task = 'regression';
            reason =
                setting === 'auto' ? 'auto: the model outputs one continuous value per row' : 'task: regression (as set)';
        }
    }
    else {
        task = setting === 'auto' ? 'binary' : setting; // refined below from the class count
        reason = '';
    }
    if (task === 'regression') {
        if (!labels.every((l) => Number.isFinite(Number(l)))) {
            const bad = labels.findIndex((l) => !Number.isFinite(Number(l)));
            throw new common_1.UserError(`Dataset ${holdout.path}: regression needs numeric targets, but "${holdout.labelColumn}" holds "${labels[bad]}" (row ${bad + 1})`, { fix: 'Set `task:` to binary or multiclass for a classifier, or `label-column:` to the numeric target.' });
        }
        const truthValues = Float64Array.from(labels, Number);
        const models = roles.map((r, i) => {
            const column = r.value ?? (r.label && isFloat(r.label) ? r.label : undefined);
            if (!column) {
                throw new common_1.UserError(`Model ${paths[i]} gives no continuous output for regression (outputs: ${describeOutputs(raws[i])})`, {
                    fix: 'Set `task:` to binary or multiclass for a classifier, or export the regressor with one float output [N,1].',
                });
            }
            return { scoreOutput: column.name, values: Float64Array.from(column.values) };
        });
        return { task, reason, truthValues, models };
    }
    // Classification: one class list over truth, predicted labels and probability columns.
    const perModelColumns = roles.map((r, i) => r.probabilities ? columnClasses(r.probabilities, r.label, truthSet, paths[i]) : undefined);
    const all = new Set(truthSet);
    roles.forEach((r, i) => {
        if (r.label)
            for (const l of (0, label_output_js_2.distinctLabels)(r.label))
                all.add(l);
        perModelColumns[i]?.forEach((c) => all.add(c));
    });
    // A single-output probability model ([N,1] in [0,1]) for binary: 0/1 labels stand for
    // classes 0 and 1 even when the holdout holds only one of them.
    if (roles.some((r) => !r.label && !r.probabilities) && [...all].every((l) => l === '0' || l === '1')) {
        all.add('0');
        all.add('1');
    }
    // A holdout of one class still has the named positive class as its second.
    if (positiveLabel !== undefined && all.size < 2)
        all.add(positiveLabel);
    if (all.size === 1) {
        const only = [...all][0];
        if (only === '0' || only === '1')
            all.add(only === '0' ? '1' : '0');
    }
    let classes = sortClasses(all);
    const k = classes.length;
    if (positiveLabel !== undefined && !classes.includes(positiveLabel)) {
        throw new common_1.UserError(`\`pos-label\` is ${JSON.stringify(positiveLabel)}, which is not a class here (classes: ${classes.slice(0, 10).join(', ')}${k > 10 ? ', …' : ''})`, {
            fix: 'Set `pos-label:` to one of the class labels as written in the label column, or leave it empty.',
        });
    }
    // pos_label: the positive class sits at index 1, where every binary metric looks for it.
    if (positiveLabel !== undefined && k === 2 && classes[1] !== positiveLabel)
        classes = [classes[1], classes[0]];
    if (positiveLabel !== undefined && k > 2) {
        throw new common_1.UserError(`\`pos-label\` is ${JSON.stringify(positiveLabel)}, but the labels and predictions hold ${k} classes (${classes.slice(0, 10).join(', ')}${k > 10 ? ', …' : ''}): pos_label applies to binary tasks only`, {
            fix: 'Leave `pos-label:` empty for multiclass tasks; per-class metrics such as `recall[CLASS]` name any class.',
        });
    }
    if (k > 2 && roles.some((r) => !r.label && !r.probabilities)) {
        throw new common_1.UserError(`The labels and predictions hold ${k} classes (${classes.slice(0, 10).join(', ')}${k > 10 ? ', …' : ''}), but a model gives one score per row`, { fix: 'Export a multiclass model with probabilities [N,K] and/or a label output, or check `label-column:`.' });
    }
    if (setting === 'auto') {
        task = k <= 2 ? 'binary' : 'multiclass';
        const outs = roles
            .map((r) => [
            r.label ? 'label' : '',
            r.probabilities ? 'probabilities' : '',
            !r.label && !r.probabilities ? 'one score' : '',
        ]
            .filter(Boolean)
            .join(' + '))
            .filter((v, i, a) => a.indexOf(v) === i)
            .join(' / ');
        if (!reason)
            reason = `auto: ${k} classes in the labels and predictions (${classes.slice(0, 10).join(', ')}${k > 10 ? ', …' : ''}); model outputs ${outs}`;
    }
    else if (setting === 'binary' && k > 2) {
        throw new common_1.UserError(`task is binary, but the labels and predictions hold ${k} classes (${classes.slice(0, 10).join(', ')}${k > 10 ? ', …' : ''})`, { fix: 'Set `task: multiclass` (or `auto`), or check `label-column:`.' });
    }
    else {
        reason = `task: ${setting} (as set); ${k} classes`;
    }
    const index = new Map(classes.map((c, i) => [c, i]));
    const remap = Int32Array.from(seen.keys(), (l) => index.get(l));
    const truthClasses = new Int32Array(labels.length);
    for (let i = 0; i < labels.length; i++)
        truthClasses[i] = remap[firstSeenCodes[i]];
    const models = roles.map((r, i) => {
        const raw = raws[i];
        const n = raw.rows;
        const out = {};
        if (r.probabilities) {
            const cols = perModelColumns[i];
            const width = r.probabilities.width;
            const src = r.probabilities.values;
            const probs = new Float64Array(n * k);
            const target = cols.map((c) => index.get(c));
            for (let row = 0; row < n; row++) {
                for (let c = 0; c < width; c++)
                    probs[row * k + target[c]] = src[row * width + c];
            }
            out.probabilities = probs;
            out.scoreOutput = r.probabilities.name;
        }
        else if (r.value) {
            // One probability of the positive class per row.
            const v = r.value.values;
            const probs = new Float64Array(n * k);
            const pos = 1;
            const neg = 0;
            for (let row = 0; row < n; row++) {
                probs[row * k + pos] = v[row];
                probs[row * k + neg] = 1 - v[row];
            }
            out.probabilities = probs;
            out.scoreOutput = r.value.name;
        }
        let predicted = new Int32Array(n);
        if (r.label) {
            predicted = (0, label_output_js_2.labelIndices)(r.label, index);
            out.labelOutput = r.label.name;
        }
        else {
            const p = out.probabilities;
            for (let row = 0; row < n; row++) {
                let best = 0;
                for (let c = 1; c < k; c++)
                    if (p[row * k + c] > p[row * k + best])
                        best = c;
                predicted[row] = best;
            }
        }
        out.predicted = predicted;
        return out;
    });
    return {
        task,
        reason,
        classes,
        positiveClass: task === 'binary' ? classes[Math.min(1, k - 1)] : undefined,
        truthClasses,
        models,
    };
}


/***/ }),

/***/ 4222:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "B", ({ value: true }));
exports.e = void 0;
/**
 * A bootstrap worker thread: resamples `from` to `to` of the paired bootstrap, with the same
 * functions the serial path calls (drawResample, specValue). A module of its own, bundled as
 * dist/metric-gate/bootstrap-worker.js beside the action (scripts/build.mjs); from sources it
 * runs under tsx (bootstrap.ts starts it so).
 */
const node_worker_threads_1 = __nccwpck_require__(5919);
const resample_js_1 = __nccwpck_require__(4166);
const spec_value_js_1 = __nccwpck_require__(3134);
/** Progress is reported every this many resamples. */
exports.e = 50;
function run(work) {
    const { n, seed, from, to, joint, jointSize, specs, outJoint, outValues } = work;
    const weights = new Uint16Array(n);
    const jointCounts = new Int32Array(jointSize);
    for (let b = from; b < to; b++) {
        (0, resample_js_1.drawResample)((0, resample_js_1.streamState)(seed, b), n, weights, joint, jointCounts);
        if (joint)
            outJoint.set(jointCounts, b * jointSize);
        for (let j = 0; j < specs.length; j++)
            outValues[j][b] = (0, spec_value_js_1.specValue)(specs[j], weights);
        if ((b - from) % exports.e === exports.e - 1)
            node_worker_threads_1.parentPort.postMessage({ progress: exports.e });
    }
    node_worker_threads_1.parentPort.postMessage({ done: (to - from) % exports.e });
}
if (node_worker_threads_1.parentPort && node_worker_threads_1.workerData)
    run(node_worker_threads_1.workerData);


/***/ }),

/***/ 339:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Rng = void 0;
exports.normalCdf = normalCdf;
exports.normalQuantile = normalQuantile;
exports.logGamma = logGamma;
exports.binomialHalfCdf = binomialHalfCdf;
exports.seedToInt = seedToInt;
exports.streamSeed = streamSeed;
exports.quantileSorted = quantileSorted;
const common_1 = __nccwpck_require__(8051);
/** Numerical helpers: the normal distribution, log-gamma, a seeded PRNG, quantiles. */
/** Standard normal CDF (Marsaglia 2004, absolute error below 1e-15). */
function normalCdf(x) {
    if (x < -38)
        return 0;
    if (x > 38)
        return 1;
    if (x < -5)
        return normalUpperTail(-x);
    if (x > 5)
        return 1 - normalUpperTail(x);
    let s = x;
    let t = 0;
    let b = x;
    const q = x * x;
    let i = 1;
    while (s !== t) {
        t = s;
        i += 2;
        b *= q / i;
        s = t + b;
    }
    return 0.5 + s * Math.exp(-0.5 * q - 0.91893853320467274178);
}
/** P(Z > x) for x > 0 by its continued fraction (accurate in the far tail, where 1 - Φ cancels). */
function normalUpperTail(x) {
    // Lentz's algorithm for Q(x) = φ(x) / (x + 1/(x + 2/(x + 3/(x + ...)))).
    const tiny = 1e-300;
    let f = x;
    let c = x;
    let d = 0;
    for (let k = 1; k < 500; k++) {
        d = x + k * d;
        d = Math.abs(d) < tiny ? tiny : d;
        c = x + k / c;
        c = Math.abs(c) < tiny ? tiny : c;
        d = 1 / d;
        const delta = c * d;
        f *= delta;
        if (Math.abs(delta - 1) < 1e-16)
            break;
    }
    return Math.exp(-0.5 * x * x - 0.91893853320467274178) / f;
}
/** Inverse standard normal CDF (Acklam's approximation refined by one Halley step). */
function normalQuantile(p) {
    if (p <= 0)
        return -Infinity;
    if (p >= 1)
        return Infinity;
    const a = [
        -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
        2.506628277459239,
    ];
    const b = [
        -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
    ];
    const c = [
        -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
        2.938163982698783,
    ];
    const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    const low = 0.02425;
    let x;
    if (p < low) {
        const q = Math.sqrt(-2 * Math.log(p));
        x =
            (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    else if (p <= 1 - low) {
        const q = p - 0.5;
        const r = q * q;
        x =
            ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
                (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    else {
        const q = Math.sqrt(-2 * Math.log(1 - p));
        x =
            -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    const e = normalCdf(x) - p;
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    return x - u / (1 + (x * u) / 2);
}
/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ~1e-15). */
function logGamma(x) {
    const g = 7;
    const coef = [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];
    if (x < 0.5)
        return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
    const xx = x - 1;
    let a = coef[0];
    const t = xx + g + 0.5;
    for (let i = 1; i < g + 2; i++)
        a += coef[i] / (xx + i);
    return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}
/** P(X <= k) for X ~ Binomial(n, 1/2), summed in log space (exact to rounding). */
function binomialHalfCdf(k, n) {
    if (k < 0)
        return 0;
    if (k >= n)
        return 1;
    const lnHalfN = n * Math.log(0.5);
    const lnFactN = logGamma(n + 1);
    let sum = 0;
    for (let i = k; i >= 0; i--) {
        const term = Math.exp(lnFactN - logGamma(i + 1) - logGamma(n - i + 1) + lnHalfN);
        sum += term;
        if (term < sum * 1e-17)
            break;
    }
    return Math.min(1, sum);
}
/** A 32-bit hash of a seed given as a number or text (FNV-1a over the text). */
function seedToInt(seed) {
    if (typeof seed === 'number' && Number.isInteger(seed))
        return seed >>> 0;
    const text = String(seed);
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
}
/**
 * The bootstrap's generator: the project's xoshiro128** (@mlops-gha/common) seeded from
 * (seed, stream): every bootstrap resample gets its own stream, so results do not depend on
 * the order resamples are computed in.
 */
class Rng extends common_1.Xoshiro128 {
    constructor(seed, stream = 0) {
        super(streamSeed(seed, stream));
    }
    /** A uniform float in [0, 1). */
    next() {
        return this.nextUint32() / 4294967296;
    }
}
exports.Rng = Rng;
/** The splitmix32 seed of stream `stream` under `seed`. */
function streamSeed(seed, stream) {
    return (seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0;
}
/** Quantile of sorted values, linear interpolation between order statistics (numpy's default). */
function quantileSorted(sorted, p) {
    const n = sorted.length;
    if (n === 0)
        return NaN;
    const h = (n - 1) * Math.min(1, Math.max(0, p));
    const lo = Math.floor(h);
    const hi = Math.min(n - 1, lo + 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}


/***/ }),

/***/ 4166:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.streamState = streamState;
exports.drawResample = drawResample;
/**
 * The draws of one bootstrap resample: a seeded xoshiro128** stream per resample (so results
 * do not depend on evaluation order or on the number of threads) counted into row weights.
 * Shared by the serial path and the worker threads (bootstrap-worker.ts).
 */
const common_1 = __nccwpck_require__(8051);
const math_js_1 = __nccwpck_require__(339);
/** The xoshiro128** state of resample `b`'s stream (the same state `new Rng(seed, b)` starts from). */
function streamState(seed, b) {
    return (0, common_1.xoshiroState)((0, math_js_1.streamSeed)(seed, b));
}
/**
 * One resample: n uniform draws of a row (xoshiro128**, inlined), counted into `weights`
 * and, for confusion metrics, into the joint (true, candidate, baseline) cell counts, in the
 * same loop so the draws are never stored.
 */
function drawResample(state, n, weights, joint, jointCounts) {
    let a = state[0];
    let b = state[1];
    let c = state[2];
    let d = state[3];
    const scale = n / 4294967296;
    weights.fill(0);
    jointCounts.fill(0);
    for (let j = 0; j < n; j++) {
        // x * 5 and y * 9 as shifts and adds (exact mod 2^32; Math.imul is not inlined everywhere, e.g. in Jest's VM contexts).
        const x = ((b << 2) + b) | 0;
        const y = (x << 7) | (x >>> 25);
        const r = ((y << 3) + y) | 0;
        const t = b << 9;
        c ^= a;
        d ^= b;
        b ^= c;
        a ^= d;
        c ^= t;
        d = (d << 11) | (d >>> 21);
        const row = ((r >>> 0) * scale) | 0;
        weights[row]++;
        if (joint)
            jointCounts[joint[row]]++;
    }
}


/***/ }),

/***/ 3134:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.labelCounts = labelCounts;
exports.labelCountMetric = labelCountMetric;
exports.specValue = specValue;
/**
 * What a kernel reads to recompute its metric on a resample (`KernelSpec`: plain typed arrays,
 * so worker threads receive it as it is), and the one function that computes the value from
 * it. The serial path and the bootstrap worker both call `specValue`, so they cannot disagree.
 */
const evaluation_1 = __nccwpck_require__(40);
const weighted_js_1 = __nccwpck_require__(116);
/** Per-label counts from (weighted) pattern totals. */
function labelCounts(spec, perPattern) {
    const { patternCodes, k } = spec;
    const tp = new Float64Array(k);
    const predicted = new Float64Array(k);
    const support = new Float64Array(k);
    let total = 0;
    for (let p = 0; p < perPattern.length; p++) {
        const wp = perPattern[p];
        if (!wp)
            continue;
        total += wp;
        for (let c = 0; c < k; c++) {
            const code = patternCodes[p * k + c];
            if (code === 3)
                tp[c] += wp;
            if (code & 1)
                predicted[c] += wp;
            if (code & 2)
                support[c] += wp;
        }
    }
    return { tp, predicted, support, total };
}
/** The spec's metric from counts. */
function labelCountMetric(spec, counts) {
    if (spec.average === 'label')
        return (0, evaluation_1.perClassPrf)(counts, spec.prf, 1, spec.zeroDivision)[spec.label];
    return (0, evaluation_1.averagedPrf)(counts, spec.prf, 1, spec.average, spec.zeroDivision);
}
function labelCountValue(w, s) {
    const perPattern = new Float64Array(s.patternCodes.length / s.k);
    const rows = s.rowPattern;
    for (let i = 0; i < rows.length; i++)
        perPattern[rows[i]] += w[i];
    return labelCountMetric(s, labelCounts(s, perPattern));
}
/** The metric a spec describes, on rows drawn `w[i]` times. Confusion specs are read from the joint counts instead. */
function specValue(spec, w) {
    switch (spec.kind) {
        case 'mean': {
            const v = (0, weighted_js_1.weightedMean)(w, spec.rows);
            return spec.sqrt ? Math.sqrt(v) : v;
        }
        case 'sum':
            return (0, weighted_js_1.weightedSum)(w, spec.rows);
        case 'r2':
            return (0, weighted_js_1.weightedR2)(w, spec.se, spec.yc, spec.forceFinite);
        case 'auc':
            return (0, weighted_js_1.weightedAuc)(w, spec.parts, spec.bySupport);
        case 'ap':
            return (0, weighted_js_1.weightedAp)(w, spec.parts, spec.bySupport);
        case 'ovo':
            return (0, weighted_js_1.weightedOvo)(w, spec.pairs, spec.byPrevalence);
        case 'roots':
            return (0, weighted_js_1.weightedRoots)(w, spec.parts);
        case 'r2multi':
            return (0, weighted_js_1.weightedR2Multi)(w, spec.se, spec.yc, spec.forceFinite, spec.varianceWeighted);
        case 'labels':
            return labelCountValue(w, spec);
        case 'confusion':
            return NaN;
    }
}


/***/ }),

/***/ 116:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.weightedMean = weightedMean;
exports.weightedSum = weightedSum;
exports.weightedR2 = weightedR2;
exports.weightedAuc = weightedAuc;
exports.weightedAp = weightedAp;
exports.weightedOvo = weightedOvo;
exports.weightedRoots = weightedRoots;
exports.weightedR2Multi = weightedR2Multi;
/**
 * The weighted statistics a resample computes (weights: how often it drew each row). Self-contained
 * on purpose: the bootstrap worker carries them into its thread.
 */
/** Σ w·v / Σ w. */
function weightedMean(w, rows) {
    let s = 0;
    let total = 0;
    for (let i = 0; i < rows.length; i++) {
        s += w[i] * rows[i];
        total += w[i];
    }
    return total ? s / total : NaN;
}
/** Σ w·v. */
function weightedSum(w, rows) {
    let s = 0;
    for (let i = 0; i < rows.length; i++)
        s += w[i] * rows[i];
    return s;
}
/** R² with weights from squared errors and centred targets (scikit-learn's force_finite rules; off: a constant target is NaN). */
function weightedR2(w, se, yc, forceFinite = true) {
    let sse = 0;
    let sy = 0;
    let syy = 0;
    let total = 0;
    for (let i = 0; i < se.length; i++) {
        const wi = w[i];
        sse += wi * se[i];
        sy += wi * yc[i];
        syy += wi * yc[i] * yc[i];
        total += wi;
    }
    if (!(total >= 2))
        return NaN;
    const ss = Math.max(0, syy - (sy * sy) / total);
    if (ss === 0)
        return forceFinite ? (sse === 0 ? 1 : 0) : NaN;
    return 1 - sse / ss;
}
/**
 * ROC AUC under weights, averaged over parts (one-vs-rest; by each part's positive weight when
 * `bySupport`, scikit-learn's average="weighted"): one pass in ascending score order, ties
 * counted half. `code[t]` = (positive ? 2 : 0) + (last of its tie group ? 1 : 0).
 */
function weightedAuc(w, parts, bySupport = false) {
    let sum = 0;
    let supportSum = 0;
    for (let p = 0; p < parts.length; p++) {
        const order = parts[p].order;
        const code = parts[p].code;
        const n = order.length;
        let area = 0;
        let negBelow = 0;
        let totalPos = 0;
        let wp = 0;
        let wn = 0;
        for (let t = 0; t < n; t++) {
            const wi = w[order[t]];
            const c = code[t];
            // Branch-free class split: positives and negatives alternate unpredictably.
            const wpi = wi * (c >> 1);
            wp += wpi;
            wn += wi - wpi;
            if (c & 1) {
                area += wp * (negBelow + wn * 0.5);
                negBelow += wn;
                totalPos += wp;
                wp = 0;
                wn = 0;
            }
        }
        if (!totalPos || !negBelow)
            return NaN;
        sum += bySupport ? area / negBelow : area / (totalPos * negBelow);
        supportSum += totalPos;
    }
    return sum / (bySupport ? supportSum : parts.length);
}
/**
 * Average precision under weights (scikit-learn's Σ (R_n − R_{n−1}) P_n over descending
 * thresholds), averaged over parts as `weightedAuc` does (macro, or by positive weight).
 * NaN when a part has no positive weight.
 */
function weightedAp(w, parts, bySupport = false) {
    let sum = 0;
    let supportSum = 0;
    for (let p = 0; p < parts.length; p++) {
        const order = parts[p].order;
        const code = parts[p].code;
        let tp = 0;
        let fp = 0;
        let prevTp = 0;
        let ap = 0;
        // Descending: a tie group closes where the ascending order opened it.
        for (let t = order.length - 1; t >= 0; t--) {
            const wi = w[order[t]];
            const wpi = wi * (code[t] >> 1);
            tp += wpi;
            fp += wi - wpi;
            if ((t === 0 || code[t - 1] & 1) && tp > prevTp) {
                ap += (tp - prevTp) * (tp / (tp + fp));
                prevTp = tp;
            }
        }
        if (!tp)
            return NaN;
        sum += bySupport ? ap : ap / tp;
        supportSum += tp;
    }
    return sum / (bySupport ? supportSum : parts.length);
}
/**
 * One-vs-one ROC AUC under weights (Hand & Till, as scikit-learn): per class pair, the mean of
 * a-vs-b and b-vs-a AUC on the rows of the two classes; macro, or weighted by the pair's share
 * of the rows. `ab.order` lists exactly the pair's rows.
 */
function weightedOvo(w, pairs, byPrevalence) {
    let total = 0;
    for (let i = 0; i < w.length; i++)
        total += w[i];
    let sum = 0;
    let weights = 0;
    for (let p = 0; p < pairs.length; p++) {
        const { ab, ba } = pairs[p];
        const score = (weightedAuc(w, [ab]) + weightedAuc(w, [ba])) / 2;
        let share = 1;
        if (byPrevalence) {
            share = 0;
            for (let t = 0; t < ab.order.length; t++)
                share += w[ab.order[t]];
            share /= total;
        }
        sum += score * share;
        weights += share;
    }
    return sum / weights;
}
/** The mean over parts of √(weighted mean): scikit-learn 1.2's rmse of several outputs. */
function weightedRoots(w, parts) {
    let s = 0;
    for (let j = 0; j < parts.length; j++)
        s += Math.sqrt(weightedMean(w, parts[j]));
    return s / parts.length;
}
/** R² of several targets under weights, uniform or variance-weighted (scikit-learn's multioutput). */
function weightedR2Multi(w, se, yc, forceFinite, varianceWeighted) {
    let sum = 0;
    let weights = 0;
    let uniform = 0;
    for (let j = 0; j < se.length; j++) {
        let sse = 0;
        let sy = 0;
        let syy = 0;
        let total = 0;
        const e = se[j];
        const y = yc[j];
        for (let i = 0; i < e.length; i++) {
            const wi = w[i];
            sse += wi * e[i];
            sy += wi * y[i];
            syy += wi * y[i] * y[i];
            total += wi;
        }
        if (!(total >= 2))
            return NaN;
        const ss = Math.max(0, syy - (sy * sy) / total);
        const r2 = ss === 0 ? (forceFinite ? (sse === 0 ? 1 : 0) : NaN) : 1 - sse / ss;
        uniform += r2;
        sum += r2 * ss;
        weights += ss;
    }
    // All targets constant: no variance to weight by, so uniform (as scikit-learn).
    return varianceWeighted && weights > 0 ? sum / weights : uniform / se.length;
}


/***/ }),

/***/ 2088:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.isOipDatatype = isOipDatatype;
exports.ortTypeOf = ortTypeOf;
exports.oipDatatypeOf = oipDatatypeOf;
/**
 * The one table between onnxruntime's element types and the Open Inference Protocol's (KServe
 * V2) tensor datatypes: the model server, the registry's stored sample and the deploy smoke test
 * all name tensors through it. BF16 exists in OIP only in gRPC raw form and is left out.
 */
const OIP_TO_ORT = {
    BOOL: 'bool',
    UINT8: 'uint8',
    UINT16: 'uint16',
    UINT32: 'uint32',
    UINT64: 'uint64',
    INT8: 'int8',
    INT16: 'int16',
    INT32: 'int32',
    INT64: 'int64',
    FP16: 'float16',
    FP32: 'float32',
    FP64: 'float64',
    BYTES: 'string',
};
const ORT_TO_OIP = new Map(Object.entries(OIP_TO_ORT).map(([oip, ort]) => [ort, oip]));
function isOipDatatype(value) {
    return typeof value === 'string' && Object.hasOwn(OIP_TO_ORT, value);
}
function ortTypeOf(datatype) {
    return OIP_TO_ORT[datatype];
}
/** The OIP datatype of an onnxruntime element type, or undefined (e.g. uint4, bfloat16, non-tensors). */
function oipDatatypeOf(ortType) {
    return ORT_TO_OIP.get(ortType);
}


/***/ }),

/***/ 9173:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.oipDatatypeOf = exports.ortTypeOf = exports.isOipDatatype = exports.signatureOf = exports.describeTensor = exports.describeSignature = exports.OnnxLoadError = exports.readOnnxSignature = exports.openOnnxModel = exports.createSession = exports.loadOnnxRuntime = void 0;
var runtime_js_1 = __nccwpck_require__(4365);
Object.defineProperty(exports, "loadOnnxRuntime", ({ enumerable: true, get: function () { return runtime_js_1.loadOnnxRuntime; } }));
var session_js_1 = __nccwpck_require__(4837);
Object.defineProperty(exports, "createSession", ({ enumerable: true, get: function () { return session_js_1.createSession; } }));
Object.defineProperty(exports, "openOnnxModel", ({ enumerable: true, get: function () { return session_js_1.openOnnxModel; } }));
Object.defineProperty(exports, "readOnnxSignature", ({ enumerable: true, get: function () { return session_js_1.readOnnxSignature; } }));
Object.defineProperty(exports, "OnnxLoadError", ({ enumerable: true, get: function () { return session_js_1.OnnxLoadError; } }));
var signature_js_1 = __nccwpck_require__(4923);
Object.defineProperty(exports, "describeSignature", ({ enumerable: true, get: function () { return signature_js_1.describeSignature; } }));
Object.defineProperty(exports, "describeTensor", ({ enumerable: true, get: function () { return signature_js_1.describeTensor; } }));
Object.defineProperty(exports, "signatureOf", ({ enumerable: true, get: function () { return signature_js_1.signatureOf; } }));
var datatypes_js_1 = __nccwpck_require__(2088);
Object.defineProperty(exports, "isOipDatatype", ({ enumerable: true, get: function () { return datatypes_js_1.isOipDatatype; } }));
Object.defineProperty(exports, "ortTypeOf", ({ enumerable: true, get: function () { return datatypes_js_1.ortTypeOf; } }));
Object.defineProperty(exports, "oipDatatypeOf", ({ enumerable: true, get: function () { return datatypes_js_1.oipDatatypeOf; } }));


/***/ }),

/***/ 4365:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.loadOnnxRuntime = loadOnnxRuntime;
const common_1 = __nccwpck_require__(8051);
let runtime;
/**
 * onnxruntime-node, loaded on first use: it is a native module, and the action bundles ship
 * its Linux x64 binaries only, so a load failure elsewhere becomes a clear error instead of
 * a crash at startup. Under ESM the CommonJS module may arrive as a namespace whose default
 * is the module; callers always get the module.
 */
function loadOnnxRuntime() {
    runtime ??= Promise.resolve(/* import() */).then(__nccwpck_require__.bind(__nccwpck_require__, 3958)).then((m) => (m.default ?? m), (error) => {
        runtime = undefined;
        throw new common_1.UserError(`Could not load onnxruntime-node on ${process.platform}-${process.arch} (Node ${process.version}): ${error.message}`, {
            fix: 'The action bundles ship onnxruntime binaries for linux-x64 only: run this step on a Linux x64 runner (e.g. ubuntu-latest).',
            cause: error,
        });
    });
    return runtime;
}


/***/ }),

/***/ 4837:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.OnnxLoadError = void 0;
exports.createSession = createSession;
exports.openOnnxModel = openOnnxModel;
exports.readOnnxSignature = readOnnxSignature;
const node_fs_1 = __nccwpck_require__(3024);
const common_1 = __nccwpck_require__(8051);
const runtime_js_1 = __nccwpck_require__(4365);
const signature_js_1 = __nccwpck_require__(4923);
/** A model onnxruntime could not load; `reason` is onnxruntime's own message. */
class OnnxLoadError extends common_1.UserError {
    where;
    reason;
    constructor(where, reason, options = {}) {
        super(`${where} is not an ONNX model onnxruntime can load: ${reason}`, {
            fix: options.fix ??
                'Export the model to ONNX (e.g. torch.onnx.export or skl2onnx) and point the input at the .onnx file.',
            ...(options.file ? { location: { file: options.file } } : {}),
            cause: options.cause,
        });
        this.where = where;
        this.reason = reason;
    }
}
exports.OnnxLoadError = OnnxLoadError;
/**
 * An onnxruntime session over a file or over bytes already read (the bytes whose sha256 was
 * checked, so nothing can swap the file between the check and the load). `where` names the
 * model in errors; a model onnxruntime refuses is an OnnxLoadError.
 */
async function createSession(source, where, options = {}) {
    const ort = await (0, runtime_js_1.loadOnnxRuntime)();
    const sessionOptions = {
        graphOptimizationLevel: options.optimization ?? 'all',
        ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
    };
    try {
        return typeof source === 'string'
            ? await ort.InferenceSession.create(source, sessionOptions)
            : await ort.InferenceSession.create(source, sessionOptions);
    }
    catch (error) {
        const reason = (error.message ?? String(error)).trim();
        throw new OnnxLoadError(where, reason, {
            ...(options.fix ? { fix: options.fix } : {}),
            ...(typeof source === 'string' ? { file: source } : {}),
            cause: error,
        });
    }
}
/**
 * Opens an ONNX model file for inference; a missing file, a folder or one onnxruntime cannot
 * read is a UserError naming the path and, when given, the `label` it came from.
 */
async function openOnnxModel(path, options = {}) {
    const { label } = options;
    const stat = statOrUndefined(path);
    if (!stat?.isFile()) {
        const what = stat?.isDirectory() ? 'is a folder, not an .onnx file' : 'does not exist';
        throw new common_1.UserError(label ? `${label}: model ${path} ${what}` : `Model ${path} ${what}`, {
            fix: `Set ${label ?? 'the model input'} to the path of an .onnx file (e.g. the \`model-path\` output of the train action).`,
        });
    }
    const session = await createSession(path, label ? `${label}: ${path}` : path, {
        ...options,
        ...(options.fix || !label
            ? {}
            : {
                fix: `Export the model to ONNX (e.g. torch.onnx.export or skl2onnx) and point ${label} at the .onnx file.`,
            }),
    });
    return { path, session, signature: (0, signature_js_1.signatureOf)(session) };
}
/** The file's stat, or undefined where there is none to read (absent, a path through a file, no permission). */
function statOrUndefined(path) {
    try {
        return (0, node_fs_1.statSync)(path);
    }
    catch {
        return undefined;
    }
}
/** The input and output names, element types and shapes of an ONNX model file (opened without optimisation). */
async function readOnnxSignature(path, options = {}) {
    const model = await openOnnxModel(path, { ...options, optimization: 'disabled' });
    await model.session.release();
    return model.signature;
}


/***/ }),

/***/ 4923:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.tensorSignatureOf = tensorSignatureOf;
exports.signatureOf = signatureOf;
exports.describeTensor = describeTensor;
exports.describeSignature = describeSignature;
/** A session's input or output metadata as a signature entry. */
function tensorSignatureOf(meta) {
    return meta.isTensor
        ? { name: meta.name, type: String(meta.type), shape: [...meta.shape], isTensor: true }
        : { name: meta.name, type: 'non-tensor', shape: [], isTensor: false };
}
function signatureOf(session) {
    return {
        inputs: session.inputMetadata.map(tensorSignatureOf),
        outputs: session.outputMetadata.map(tensorSignatureOf),
    };
}
/** `input: float32[N,32]`, for messages and reports. */
function describeTensor(t) {
    if (!t.isTensor)
        return `${t.name}: (non-tensor, e.g. a sequence of maps)`;
    return `${t.name}: ${t.type}[${t.shape.join(',')}]`;
}
function describeSignature(signature) {
    return `inputs ${signature.inputs.map(describeTensor).join('; ') || '(none)'}; outputs ${signature.outputs.map(describeTensor).join('; ') || '(none)'}`;
}


/***/ }),

/***/ 2061:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.BatchBuilder = void 0;
/**
 * Column-major batches and the rules for one cell: a finite number goes to `numbers`, text to
 * `texts`, a missing cell leaves NaN and no text. Text cells are interned per column (the bytes
 * of a repeated category make one string, not one per row), which is what keeps categorical
 * columns cheap. The caller's strictness (missing cells refused, columns that must be numbers)
 * is applied here, so CSV and JSON Lines follow one rule.
 */
const common_1 = __nccwpck_require__(8051);
const numbers_js_1 = __nccwpck_require__(5787);
function sameBytes(a, buf, s, e) {
    if (a.length !== e - s)
        return false;
    for (let i = 0; i < a.length; i++)
        if (a[i] !== buf[s + i])
            return false;
    return true;
}
const NO_TEXT = Object.freeze([]);
const INTERN_LIMIT = 4096;
class BatchBuilder {
    header;
    size;
    rules;
    file;
    input;
    locate;
    batch;
    /** Per column: a cell's bytes (by their hash) -> what they hold, while the column has few distinct ones. */
    interned;
    constructor(header, size, rules, file, input, 
    /** Where column c of the row being added sits (called only to build an error). */
    locate) {
        this.header = header;
        this.size = size;
        this.rules = rules;
        this.file = file;
        this.input = input;
        this.locate = locate;
        this.batch = this.fresh();
        this.interned = header.map(() => new Map());
    }
    fresh() {
        const n = this.header.length;
        const numbers = new Array(n);
        const texts = new Array(n);
        for (let c = 0; c < n; c++) {
            numbers[c] = new Float64Array(this.size);
            texts[c] = NO_TEXT;
        }
        return { header: this.header, rows: 0, lines: new Int32Array(this.size), numbers, texts };
    }
    get full() {
        return this.batch.rows === this.size;
    }
    /** Hands out the batch built so far (trimmed to its rows) and starts the next. */
    take() {
        const b = this.batch;
        this.batch = this.fresh();
        if (b.rows === this.size)
            return b;
        return { ...b, lines: b.lines.subarray(0, b.rows), numbers: b.numbers.map((n) => n.subarray(0, b.rows)) };
    }
    /** A missing cell at (row, column c). */
    missing(c, r) {
        this.batch.numbers[c][r] = NaN;
        if (this.rules.missing === 'refuse')
            throw this.cellError(c, this.locate(c), 'is empty or missing (NA, NaN, null)', true);
    }
    /**
     * A cell the number fast path did not take, as bytes: a long or blank-padded number, a
     * missing token or text. Non-numeric cells are classified once per distinct byte string
     * while the column has few of them (categories), so a repeated category costs one lookup.
     */
    cellBytes(c, r, s, e, buf) {
        if (s === e)
            return this.missing(c, r);
        const b0 = buf[s];
        const numeric = (b0 >= 48 && b0 <= 57) || b0 === 45 || b0 === 43 || b0 === 46;
        const cache = numeric || e - s > 64 ? undefined : this.interned[c];
        if (!cache)
            return this.cell(c, r, buf.toString('utf8', s, e));
        // FNV-1a over the bytes finds the entry without making a string; the bytes are compared,
        // so a hash collision is only a cache miss.
        let h = 0x811c9dc5;
        for (let i = s; i < e; i++)
            h = Math.imul(h ^ buf[i], 0x01000193);
        const entry = cache.get(h);
        let v;
        if (entry && sameBytes(entry.bytes, buf, s, e))
            v = entry.value;
        else {
            v = (0, numbers_js_1.classifyText)(buf.toString('utf8', s, e));
            if (!entry) {
                cache.set(h, { bytes: Uint8Array.prototype.slice.call(buf, s, e), value: v });
                if (cache.size > INTERN_LIMIT)
                    this.interned[c] = undefined;
            }
        }
        if (typeof v === 'number')
            this.batch.numbers[c][r] = v;
        else if (v === null)
            this.missing(c, r);
        else
            this.text(c, r, v);
    }
    /** A text cell (already trimmed, known not to be a number or missing). */
    text(c, r, text) {
        const b = this.batch;
        b.numbers[c][r] = NaN;
        if (this.rules.numeric[c])
            throw this.cellError(c, this.locate(c), `holds the text ${JSON.stringify(text.slice(0, 40))}`);
        let texts = b.texts[c];
        if (texts === NO_TEXT)
            texts = b.texts[c] = new Array(this.size);
        texts[r] = text;
    }
    /** A cell from its text (a quoted CSV field, a JSON string): number, missing or text. */
    cell(c, r, raw) {
        const v = (0, numbers_js_1.classifyText)(raw);
        if (typeof v === 'number')
            this.batch.numbers[c][r] = v;
        else if (v === null)
            this.missing(c, r);
        else
            this.text(c, r, v);
    }
    cellError(c, place, what, missing = false) {
        const name = this.header[c];
        return new common_1.UserError(`${this.input}: ${this.file}, line ${place.line}: column "${name}" (column ${c + 1}) ${what}, but it must be a number`, {
            fix: missing
                ? `Fill in or drop the rows where "${name}" is missing (or let missing values through, where the step offers that).`
                : `Write "${name}" as plain decimal numbers (e.g. 0.25 or 1e-3; inf and text are refused), or leave the column out.`,
            location: { file: this.file, line: place.line, ...(place.column ? { column: place.column } : {}) },
            title: missing ? 'Missing value' : 'Not a number',
        });
    }
}
exports.BatchBuilder = BatchBuilder;


/***/ }),

/***/ 3124:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.scanCsvFile = scanCsvFile;
/**
 * A CSV file streamed through the shared tokenizer record by record, for readers with cell
 * rules of their own (the evaluation holdout reads features into float32 and keeps label text
 * as written). `readTable` is the column-batch reader on the same scanner; both read 4 MiB a
 * time with the next read in flight, drop a UTF-8 byte order mark, and word an unclosed quote
 * the same way.
 */
const csv_scan_js_1 = __nccwpck_require__(8123);
const read_ahead_js_1 = __nccwpck_require__(8133);
/**
 * Hands every record of the CSV file at `path` to `sink` (empty lines skipped), in order, with
 * the line it starts on. Records are complete: one that spans reads is handed over once its
 * end has been read. The fields' bytes are valid only during the `record` call. An unclosed
 * quote is a `UserError` naming the line it opened on; an error the sink throws stops the scan
 * and closes the file.
 */
async function scanCsvFile(path, sink, options = {}) {
    const scanner = new csv_scan_js_1.CsvScanner(sink);
    await (0, read_ahead_js_1.scanFile)(path, options.readBytes, (buf, pos, end, eof) => {
        try {
            return scanner.scan(buf, pos, end, eof, Infinity);
        }
        catch (error) {
            if (error instanceof csv_scan_js_1.UnclosedQuote)
                throw (0, csv_scan_js_1.unclosedQuoteError)(options.subject ?? path, path, error.line);
            throw error;
        }
    });
}


/***/ }),

/***/ 8123:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.CsvScanner = exports.UnclosedQuote = void 0;
exports.unclosedQuoteError = unclosedQuoteError;
exports.decodeField = decodeField;
exports.columnOf = columnOf;
/**
 * The CSV tokenizer (RFC 4180): finds records and field bounds in a byte buffer without
 * making a string. A quote opens a quoted field only at the start of a field; inside it
 * `""` is a quote and commas and line breaks are data. Text after a closing quote is kept
 * (`"ab"c` reads `abc`, as Python's csv module does). Records end at LF, CRLF or a lone CR;
 * each of those also counts one line, inside quoted fields too, so a record's line is the
 * line an editor shows. An empty line is no record.
 *
 * The scanner only reports complete records: at the end of a buffer that is not the file's
 * end it stops before the unfinished record, and the caller feeds that tail again with the
 * next bytes. The consumer (a `RecordSink`) decides what fields mean.
 */
const common_1 = __nccwpck_require__(8051);
const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
const MAX_EXACT = 2 ** 53;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
let exponentValue = 0;
/** Reads an exponent's digits from `i` (after the e); returns the end, or -1 when there are none. Sets exponentValue. */
function exponentEnd(buf, i, end) {
    let neg = false;
    if (buf[i] === 45) {
        neg = true;
        i++;
    }
    else if (buf[i] === 43)
        i++;
    let ex = 0;
    const d0 = i;
    while (i < end) {
        const d = buf[i] - 48;
        if (d < 0 || d > 9)
            break;
        if (ex < 1000)
            ex = ex * 10 + d;
        i++;
    }
    if (i === d0)
        return -1;
    exponentValue = neg ? -ex : ex;
    return i;
}
/** A quoted field still open at the end of the file. */
class UnclosedQuote extends Error {
    line;
    constructor(line) {
        super(`a quoted field opened on line ${line} is never closed`);
        this.line = line;
    }
}
exports.UnclosedQuote = UnclosedQuote;
/** The user's error for an `UnclosedQuote`: `subject` names the file as the caller's messages do. */
function unclosedQuoteError(subject, file, line) {
    return new common_1.UserError(`${subject}, line ${line}: a quoted field is never closed`, {
        fix: 'Close the quote, or escape quotes inside quoted fields by doubling them ("").',
        location: { file, line },
    });
}
class CsvScanner {
    sink;
    /** The line of the next unread byte (1-based). */
    line = 1;
    bounds = new Int32Array(256);
    quoted = new Uint8Array(128);
    values = new Float64Array(128);
    constructor(sink) {
        this.sink = sink;
    }
    /**
     * Scans `buf[pos, end)` for at most `maxRecords` records (blank lines are not counted).
     * Returns the offset of the first byte not consumed: the start of an unfinished record when
     * `final` is false, `end` when the buffer is done. With `final`, the last record may end
     * without a line break, and an unclosed quote throws `UnclosedQuote`.
     */
    scan(buf, pos, end, final, maxRecords) {
        let i = pos;
        let records = 0;
        while (i < end && records < maxRecords) {
            const start = i;
            const startLine = this.line;
            let line = startLine;
            let nf = 0;
            let bounds = this.bounds;
            let quotedOf = this.quoted;
            let valueOf = this.values;
            let complete = false;
            for (;;) {
                const fs = i;
                let q = 0;
                if (i < end && buf[i] === QUOTE) {
                    q = 1;
                    i++;
                    for (;;) {
                        if (i >= end) {
                            if (final)
                                throw new UnclosedQuote(startLine);
                            this.line = startLine;
                            return start;
                        }
                        const c = buf[i];
                        if (c === QUOTE) {
                            if (i + 1 >= end && !final) {
                                this.line = startLine;
                                return start; // `"` then `"` may follow in the next bytes
                            }
                            if (buf[i + 1] === QUOTE) {
                                i += 2;
                                continue;
                            }
                            i++;
                            break;
                        }
                        if (c === LF)
                            line++;
                        else if (c === CR) {
                            if (i + 1 >= end && !final) {
                                this.line = startLine;
                                return start;
                            }
                            if (buf[i + 1] !== LF)
                                line++;
                        }
                        i++;
                    }
                }
                let v = NaN;
                if (q === 0) {
                    // Most cells are plain decimals: read the number in the same pass that finds the
                    // field's end (Clinger's fast path: an exact mantissa below 2^53 and a power of ten
                    // within 10^±22, so one correctly rounded operation gives the correctly rounded value).
                    let j = i;
                    let neg = false;
                    let c = buf[j];
                    if (c === 45) {
                        neg = true;
                        j++;
                    }
                    else if (c === 43)
                        j++;
                    let mant = 0;
                    let scale = 0;
                    const d0 = j;
                    while (j < end) {
                        const d = buf[j] - 48;
                        if (d < 0 || d > 9)
                            break;
                        mant = mant * 10 + d;
                        j++;
                    }
                    let digits = j - d0;
                    if (j < end && buf[j] === 46) {
                        const f0 = ++j;
                        while (j < end) {
                            const d = buf[j] - 48;
                            if (d < 0 || d > 9)
                                break;
                            mant = mant * 10 + d;
                            j++;
                        }
                        scale = f0 - j;
                        digits += j - f0;
                    }
                    c = buf[j];
                    if (digits > 0 && (c === 101 || c === 69)) {
                        j = exponentEnd(buf, j + 1, end);
                        if (j > 0) {
                            scale += exponentValue;
                            c = buf[j];
                        }
                        else
                            digits = 0;
                    }
                    if (digits > 0 && (j === end ? final : c === COMMA || c === LF || c === CR) && mant < MAX_EXACT) {
                        if (scale === 0)
                            v = mant;
                        else if (scale < 0 && scale >= -22)
                            v = mant / POW10[-scale];
                        else if (scale > 0 && scale <= 22)
                            v = mant * POW10[scale];
                        if (neg)
                            v = -v;
                        if (v === v)
                            i = j;
                    }
                }
                // Unquoted bytes (or text after a closing quote) up to the next delimiter. Every byte
                // that ends a field is below 45, so most bytes cost one comparison.
                while (i < end) {
                    const c = buf[i];
                    if (c > COMMA) {
                        i++;
                        continue;
                    }
                    if (c === COMMA || c === LF || c === CR)
                        break;
                    i++;
                }
                if (i >= end && !final) {
                    this.line = startLine;
                    return start;
                }
                if (nf * 2 + 2 > bounds.length) {
                    bounds = this.grow();
                    quotedOf = this.quoted;
                    valueOf = this.values;
                }
                bounds[nf * 2] = fs;
                bounds[nf * 2 + 1] = i;
                quotedOf[nf] = q;
                valueOf[nf] = v;
                nf++;
                if (i >= end) {
                    complete = true;
                    break;
                }
                const c = buf[i];
                if (c === COMMA) {
                    i++;
                    continue;
                }
                if (c === CR) {
                    if (i + 1 >= end && !final) {
                        this.line = startLine;
                        return start;
                    }
                    i += buf[i + 1] === LF ? 2 : 1;
                }
                else
                    i++;
                line++;
                complete = true;
                break;
            }
            this.line = line;
            if (!complete)
                break;
            if (nf === 1 && bounds[0] === bounds[1] && quotedOf[0] === 0)
                continue; // an empty line
            this.sink.record(buf, bounds, quotedOf, valueOf, nf, startLine, start);
            records++;
        }
        return i;
    }
    grow() {
        const bounds = new Int32Array(this.bounds.length * 2);
        bounds.set(this.bounds);
        const quoted = new Uint8Array(this.quoted.length * 2);
        quoted.set(this.quoted);
        const values = new Float64Array(this.values.length * 2);
        values.set(this.values);
        this.bounds = bounds;
        this.quoted = quoted;
        this.values = values;
        return bounds;
    }
}
exports.CsvScanner = CsvScanner;
/** The text of a field: raw bytes as UTF-8, or for a quoted one its content with `""` read as `"`. */
function decodeField(buf, s, e, quoted) {
    if (!quoted)
        return buf.toString('utf8', s, e);
    // s is the opening quote; find the closing one (a quote not followed by another).
    let out = '';
    let i = s + 1;
    let from = i;
    while (i < e) {
        if (buf[i] === QUOTE) {
            if (i + 1 < e && buf[i + 1] === QUOTE) {
                out += buf.toString('utf8', from, i + 1);
                i += 2;
                from = i;
                continue;
            }
            out += buf.toString('utf8', from, i);
            return out + buf.toString('utf8', i + 1, e); // text after the closing quote
        }
        i++;
    }
    return out + buf.toString('utf8', from, e);
}
/** The 1-based character column of byte `at` on its line (for annotations). */
function columnOf(buf, recordStart, at) {
    let lineStart = recordStart;
    for (let i = at - 1; i >= recordStart; i--) {
        if (buf[i] === LF || buf[i] === CR) {
            lineStart = i + 1;
            break;
        }
    }
    return buf.toString('utf8', lineStart, at).length + 1;
}


/***/ }),

/***/ 8929:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.scanJsonLinesFile = exports.decodeField = exports.scanCsvFile = exports.MISSING_TOKENS = exports.isMissingText = exports.classifyText = exports.parseCsvRecords = exports.tableFormat = exports.readTable = void 0;
var read_js_1 = __nccwpck_require__(7529);
Object.defineProperty(exports, "readTable", ({ enumerable: true, get: function () { return read_js_1.readTable; } }));
Object.defineProperty(exports, "tableFormat", ({ enumerable: true, get: function () { return read_js_1.tableFormat; } }));
var records_js_1 = __nccwpck_require__(3231);
Object.defineProperty(exports, "parseCsvRecords", ({ enumerable: true, get: function () { return records_js_1.parseCsvRecords; } }));
var numbers_js_1 = __nccwpck_require__(5787);
Object.defineProperty(exports, "classifyText", ({ enumerable: true, get: function () { return numbers_js_1.classifyText; } }));
Object.defineProperty(exports, "isMissingText", ({ enumerable: true, get: function () { return numbers_js_1.isMissingText; } }));
Object.defineProperty(exports, "MISSING_TOKENS", ({ enumerable: true, get: function () { return numbers_js_1.MISSING_TOKENS; } }));
var csv_file_js_1 = __nccwpck_require__(3124);
Object.defineProperty(exports, "scanCsvFile", ({ enumerable: true, get: function () { return csv_file_js_1.scanCsvFile; } }));
var csv_scan_js_1 = __nccwpck_require__(8123);
Object.defineProperty(exports, "decodeField", ({ enumerable: true, get: function () { return csv_scan_js_1.decodeField; } }));
var json_lines_js_1 = __nccwpck_require__(5097);
Object.defineProperty(exports, "scanJsonLinesFile", ({ enumerable: true, get: function () { return json_lines_js_1.scanJsonLinesFile; } }));


/***/ }),

/***/ 5097:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.parseJsonObjectLine = parseJsonObjectLine;
exports.scanJsonLinesFile = scanJsonLinesFile;
/**
 * JSON Lines, one object per line: the line rule shared by `readTable`'s JSON Lines source and
 * `scanJsonLinesFile`, for readers with value rules of their own (the evaluation holdout wants
 * JSON numbers for features, where `readTable` reads "2.5" as a number too).
 */
const common_1 = __nccwpck_require__(8051);
const read_ahead_js_1 = __nccwpck_require__(8133);
/** The default example in the fix for a line that is not an object. */
const EXAMPLE = '{"x1": 0.5, "city": "Oslo"}';
/**
 * One line's text parsed as a JSON object. Invalid JSON and values that are not objects (an
 * array, a number, null) are `UserError`s: `subject` names the file as the caller's messages
 * do, `example` shows an object in the fix.
 */
function parseJsonObjectLine(text, line, subject, file, example = EXAMPLE) {
    let row;
    try {
        row = JSON.parse(text);
    }
    catch (error) {
        throw new common_1.UserError(`${subject}, line ${line}: not valid JSON (${error.message})`, {
            fix: 'Write one JSON object per line (JSON Lines).',
            location: { file, line },
        });
    }
    if (!row || typeof row !== 'object' || Array.isArray(row)) {
        throw new common_1.UserError(`${subject}, line ${line}: expected a JSON object with named fields`, {
            fix: `Write each row as an object, e.g. ${example}.`,
            location: { file, line },
        });
    }
    return row;
}
/**
 * Hands every non-blank line of the JSON Lines file at `path` to `onObject` as an object, with
 * its 1-based line number (blank lines count as lines). Lines end at LF or CRLF; a UTF-8 byte
 * order mark is dropped. An error `onObject` throws stops the scan and closes the file.
 */
async function scanJsonLinesFile(path, onObject, options = {}) {
    const subject = options.subject ?? path;
    let line = 1;
    await (0, read_ahead_js_1.scanFile)(path, options.readBytes, (buf, start, end, eof) => {
        let pos = start;
        while (pos < end) {
            let nl = buf.indexOf(10, pos);
            if (nl < 0 || nl >= end) {
                if (!eof)
                    break; // the rest of this line comes with the next read
                nl = end;
            }
            const stop = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
            const text = buf.toString('utf8', pos, stop);
            pos = Math.min(nl + 1, end);
            const at = line++;
            if (text.trim() !== '')
                onObject(parseJsonObjectLine(text, at, subject, path, options.example), at);
        }
        return pos;
    });
}


/***/ }),

/***/ 5787:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.MISSING_TOKENS = void 0;
exports.isMissingText = isMissingText;
exports.classifyText = classifyText;
/**
 * What a cell holds: a finite number, a missing value, or text. Numbers are decimal literals
 * (`-1.5`, `.5`, `3e-4`, surrounding blanks allowed); `inf`, `Infinity`, `0x10`, `1_000` are
 * not numbers, and a literal out of double range (`1e999`) is not a finite number. Missing
 * cells are empty or one of `NA`, `NaN`, `N/A`, `null`, `None`, `#N/A`, `-NaN` (any case), the
 * texts pandas, R and spreadsheets write for "no value".
 */
exports.MISSING_TOKENS = ['', 'na', 'nan', 'n/a', 'null', 'none', '#n/a', '-nan'];
const MISSING = new Set(exports.MISSING_TOKENS);
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** Whether a (trimmed) cell text means "no value". */
function isMissingText(text) {
    return MISSING.has(text.toLowerCase());
}
/** A cell's text classified: its finite number, null when missing, or the trimmed text. */
function classifyText(raw) {
    const t = raw.trim();
    if (t.length <= 4 && MISSING.has(t.toLowerCase()))
        return null;
    if (NUMBER.test(t)) {
        const v = Number(t);
        if (Number.isFinite(v))
            return v;
    }
    return t;
}


/***/ }),

/***/ 8133:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.ReadAhead = exports.CHUNK = void 0;
exports.appendBytes = appendBytes;
exports.scanFile = scanFile;
/**
 * Reading a file a chunk ahead, for the streaming readers (`readTable`, `scanCsvFile`,
 * `scanJsonLinesFile`): the next read runs on libuv's thread pool while the current chunk is
 * parsed.
 */
const promises_1 = __nccwpck_require__(1455);
/** Bytes per read: 4 MiB. */
exports.CHUNK = 4 << 20;
/**
 * Reads the file a chunk ahead: the next read runs on libuv's thread pool while the current
 * chunk is parsed. Two buffers take turns; a chunk's bytes stay valid until the second
 * `next()` after it, and the caller copies them out at once.
 */
class ReadAhead {
    handle;
    size;
    buffers;
    turn = 0;
    pending;
    constructor(handle, size) {
        this.handle = handle;
        this.size = size;
        this.buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
        this.pending = this.read(0);
    }
    read(turn) {
        return this.handle.read(this.buffers[turn], 0, this.size, null).then((r) => r.bytesRead);
    }
    /** The next chunk (empty at the end of the file). */
    async next() {
        const n = await this.pending;
        const current = this.buffers[this.turn];
        this.turn ^= 1;
        this.pending = n > 0 ? this.read(this.turn) : Promise.resolve(0);
        return current.subarray(0, n);
    }
    /** Waits for a read still in flight (before the file is closed). */
    async settle() {
        await this.pending.catch(() => 0);
    }
}
exports.ReadAhead = ReadAhead;
/**
 * Appends `bytes` after the first `filled` bytes of `buf` (the unfinished record kept from the
 * last read) and returns the buffer holding both: `buf` itself, or a larger copy when a record
 * is longer than what `buf` holds.
 */
function appendBytes(buf, filled, bytes) {
    let out = buf;
    if (filled + bytes.length > buf.length) {
        out = Buffer.allocUnsafe(Math.max(buf.length * 2, filled + bytes.length));
        buf.copy(out, 0, 0, filled);
    }
    bytes.copy(out, filled);
    return out;
}
/**
 * Streams the file at `path` through `scan`, for the record-by-record readers (`scanCsvFile`,
 * `scanJsonLinesFile`): each call gets the bytes read so far, `buf[pos, end)`, and whether they
 * reach the end of the file, and returns the offset it consumed up to; what is left (an
 * unfinished record) is fed again with the next read. A UTF-8 byte order mark is skipped. An
 * error `scan` throws stops the reading and closes the file.
 */
async function scanFile(path, readBytes, scan) {
    const chunk = Math.max(16, readBytes ?? exports.CHUNK);
    const handle = await (0, promises_1.open)(path, 'r');
    const ahead = new ReadAhead(handle, chunk);
    try {
        let buf = Buffer.allocUnsafe(chunk * 2);
        let filled = 0;
        let pos = 0;
        let first = true;
        for (;;) {
            const bytes = await ahead.next();
            const eof = bytes.length === 0;
            buf = appendBytes(buf, filled, bytes);
            filled += bytes.length;
            if (first) {
                if (filled < 3 && !eof)
                    continue;
                first = false;
                if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)
                    pos = 3; // a UTF-8 byte order mark
            }
            pos = scan(buf, pos, filled, eof);
            if (eof)
                return;
            // Keep the unfinished record and read on.
            buf.copy(buf, 0, pos, filled);
            filled -= pos;
            pos = 0;
        }
    }
    finally {
        await ahead.settle();
        await handle.close();
    }
}


/***/ }),

/***/ 7529:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.tableFormat = tableFormat;
exports.readTable = readTable;
/**
 * `readTable`: a CSV or JSON Lines file as column-major batches, streamed (4 MiB reads, the
 * next one in flight while this one is parsed; one await per read, not per row), with the
 * file's own line numbers on every row.
 */
const promises_1 = __nccwpck_require__(1455);
const node_fs_1 = __nccwpck_require__(3024);
const node_path_1 = __nccwpck_require__(6760);
const common_1 = __nccwpck_require__(8051);
const csv_scan_js_1 = __nccwpck_require__(8123);
const read_ahead_js_1 = __nccwpck_require__(8133);
const sinks_js_1 = __nccwpck_require__(8837);
/** The format a file's extension says, or undefined for an extension we do not read. */
function tableFormat(path) {
    const ext = (0, node_path_1.extname)(path).toLowerCase();
    return ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : ext === '.csv' || ext === '.txt' ? 'csv' : undefined;
}
function checkFile(path, input, format) {
    if (!(0, node_fs_1.existsSync)(path) || !(0, node_fs_1.statSync)(path).isFile()) {
        throw new common_1.UserError(`${input}: ${path} does not exist`, {
            fix: `Set \`${input}\` to a CSV or JSON Lines file, and make sure an earlier step (e.g. data-pull) put it there.`,
        });
    }
    const found = format ?? tableFormat(path);
    if (!found) {
        throw new common_1.UserError(`${input}: ${path} has the unknown format "${(0, node_path_1.extname)(path) || '(no extension)'}"`, {
            fix: 'Use a .csv file with a header row or a .jsonl file with one JSON object per line.',
            location: { file: path },
        });
    }
    return found;
}
/**
 * Reads a table in batches of rows. The first batch carries the header even when the file
 * has no data rows (then `rows` is 0); a file without a header is an error. A batch stays
 * valid after the next one is read (each has its own arrays).
 */
async function* readTable(path, options = {}) {
    const input = options.input ?? 'the data file';
    const format = checkFile(path, input, options.format);
    const o = {
        file: path,
        input,
        batchRows: options.batchRows ?? 8192,
        missing: options.missing ?? 'allow',
        numeric: options.numeric,
    };
    const source = format === 'csv' ? new sinks_js_1.CsvSource(o) : new sinks_js_1.JsonLinesSource(o);
    let left = options.maxRows ?? Infinity;
    let yielded = false;
    const handle = await (0, promises_1.open)(path, 'r');
    let ahead;
    try {
        const chunk = Math.max(16, options.readBytes ?? read_ahead_js_1.CHUNK);
        ahead = new read_ahead_js_1.ReadAhead(handle, chunk);
        let buf = Buffer.allocUnsafe(chunk * 2);
        let filled = 0;
        let pos = 0;
        let eof = false;
        let first = true;
        while (left > 0) {
            const bytes = await ahead.next();
            eof = bytes.length === 0;
            buf = (0, read_ahead_js_1.appendBytes)(buf, filled, bytes);
            filled += bytes.length;
            if (first && (filled >= 3 || eof)) {
                first = false;
                if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)
                    pos = 3; // a UTF-8 byte order mark
            }
            if (first)
                continue;
            for (;;) {
                const batch = source.builder?.batch;
                const room = Math.min(left, o.batchRows - (batch?.rows ?? 0));
                const before = batch?.rows ?? 0;
                pos = scanChunk(source, buf, pos, filled, eof, room, path, input);
                const added = (source.builder?.batch.rows ?? 0) - (source.builder?.batch === batch ? before : 0);
                left -= added;
                if (source.builder?.full) {
                    yielded = true;
                    yield source.builder.take();
                }
                else if (added < room || left <= 0)
                    break;
            }
            if (eof)
                break;
            // Keep the unfinished record and read on.
            buf.copy(buf, 0, pos, filled);
            filled -= pos;
            pos = 0;
        }
    }
    finally {
        await ahead?.settle();
        await handle.close();
    }
    if (!source.builder) {
        throw new common_1.UserError(`${input}: ${path} is empty`, {
            fix: `Point \`${input}\` at a ${format === 'csv' ? 'CSV file with a header row and data rows' : 'JSON Lines file with one object per row'}.`,
            location: { file: path },
        });
    }
    if (source.builder.batch.rows > 0 || !yielded)
        yield source.builder.take();
}
function scanChunk(source, buf, pos, end, final, room, path, input) {
    try {
        return source.scan(buf, pos, end, final, room);
    }
    catch (error) {
        if (!(error instanceof csv_scan_js_1.UnclosedQuote))
            throw error;
        throw (0, csv_scan_js_1.unclosedQuoteError)(`${input}: ${path}`, path, error.line);
    }
}


/***/ }),

/***/ 3231:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.parseCsvRecords = parseCsvRecords;
/**
 * Small CSV texts as rows of strings (a metrics file, a config table): the same tokenizer as
 * `readTable`, so quoting, line breaks and line numbers follow one rule everywhere.
 */
const csv_scan_js_1 = __nccwpck_require__(8123);
/**
 * Every record of a CSV text (empty lines skipped; a leading byte order mark dropped). An
 * unclosed quote is a `UserError` naming `file` (default "the CSV text") and the line.
 */
function parseCsvRecords(text, file = 'the CSV text') {
    let buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)
        buf = buf.subarray(3);
    const out = [];
    const sink = {
        record(b, bounds, quoted, _values, fields, line) {
            const cells = new Array(fields);
            for (let k = 0; k < fields; k++)
                cells[k] = (0, csv_scan_js_1.decodeField)(b, bounds[k * 2], bounds[k * 2 + 1], quoted[k]);
            out.push({ line, cells });
        },
    };
    try {
        new csv_scan_js_1.CsvScanner(sink).scan(buf, 0, buf.length, true, Infinity);
    }
    catch (error) {
        if (!(error instanceof csv_scan_js_1.UnclosedQuote))
            throw error;
        throw (0, csv_scan_js_1.unclosedQuoteError)(file, file, error.line);
    }
    return out;
}


/***/ }),

/***/ 8837:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.JsonLinesSource = exports.CsvSource = void 0;
/**
 * The two record sources behind `readTable`: CSV records (from `CsvScanner`) and JSON Lines
 * (one object per line), each turning its first record into the header and the rest into
 * rows of a `BatchBuilder`. Both expose the scanner's shape (`scan`, `line`) so one loop
 * reads the file for either format.
 */
const common_1 = __nccwpck_require__(8051);
const batch_js_1 = __nccwpck_require__(2061);
const csv_scan_js_1 = __nccwpck_require__(8123);
const json_lines_js_1 = __nccwpck_require__(5097);
function checkHeader(header, o, line) {
    const seen = new Set();
    header.forEach((h, i) => {
        if (h === '')
            throw new common_1.UserError(`${o.input}: ${o.file}, line ${line}: header column ${i + 1} has no name`, {
                fix: 'Name every column in the header row.',
                location: { file: o.file, line },
            });
        if (seen.has(h))
            throw new common_1.UserError(`${o.input}: ${o.file}, line ${line}: the column "${h}" appears twice in the header`, {
                fix: 'Give every column a unique name.',
                location: { file: o.file, line },
            });
        seen.add(h);
    });
}
function rulesFor(header, o) {
    const numeric = new Uint8Array(header.length);
    if (o.numeric === 'all')
        numeric.fill(1);
    else if (o.numeric)
        for (const name of o.numeric)
            if (header.includes(name))
                numeric[header.indexOf(name)] = 1;
    return { missing: o.missing, numeric };
}
class CsvSource {
    o;
    builder;
    scanner = new csv_scan_js_1.CsvScanner(this);
    // The record being added, for error locations.
    buf = Buffer.alloc(0);
    recordStart = 0;
    recordLine = 0;
    bounds = new Int32Array(0);
    constructor(o) {
        this.o = o;
    }
    get line() {
        return this.scanner.line;
    }
    scan(buf, pos, end, final, maxRows) {
        // The header is one record more when it has not been read yet.
        return this.scanner.scan(buf, pos, end, final, this.builder ? maxRows : maxRows + 1);
    }
    locate = (c) => ({
        line: this.recordLine,
        column: (0, csv_scan_js_1.columnOf)(this.buf, this.recordStart, this.bounds[c * 2]),
    });
    record(buf, bounds, quoted, values, fields, line, start) {
        const b = this.builder;
        if (!b) {
            const header = Array.from({ length: fields }, (_, k) => (0, csv_scan_js_1.decodeField)(buf, bounds[k * 2], bounds[k * 2 + 1], quoted[k]).trim());
            checkHeader(header, this.o, line);
            this.builder = new batch_js_1.BatchBuilder(header, this.o.batchRows, rulesFor(header, this.o), this.o.file, this.o.input, this.locate);
            return;
        }
        const width = b.header.length;
        if (fields !== width) {
            throw new common_1.UserError(`${this.o.input}: ${this.o.file}, line ${line}: ${fields} fields, but the header has ${width} (${b.header.slice(0, 8).join(', ')}${width > 8 ? ', …' : ''})`, {
                fix: 'Give every row one field per header column (quote fields that contain commas).',
                location: { file: this.o.file, line },
                title: 'Malformed row',
            });
        }
        this.buf = buf;
        this.recordStart = start;
        this.recordLine = line;
        this.bounds = bounds;
        const batch = b.batch;
        const r = batch.rows;
        const numbers = batch.numbers;
        for (let c = 0; c < width; c++) {
            const v = values[c];
            if (v === v)
                numbers[c][r] = v;
            else if (quoted[c] === 0)
                b.cellBytes(c, r, bounds[c * 2], bounds[c * 2 + 1], buf);
            else
                b.cell(c, r, (0, csv_scan_js_1.decodeField)(buf, bounds[c * 2], bounds[c * 2 + 1], 1));
        }
        batch.lines[r] = line;
        batch.rows = r + 1;
    }
}
exports.CsvSource = CsvSource;
class JsonLinesSource {
    o;
    builder;
    line = 1;
    keys = [];
    /** The line being added (errors name it). */
    current = 0;
    constructor(o) {
        this.o = o;
    }
    scan(buf, pos, end, final, maxRows) {
        let i = pos;
        let rows = 0;
        while (i < end && rows < maxRows) {
            let nl = buf.indexOf(10, i);
            if (nl < 0 || nl >= end) {
                if (!final)
                    return i;
                nl = end;
            }
            const line = this.line++;
            const e = nl > i && buf[nl - 1] === 13 ? nl - 1 : nl;
            const text = buf.toString('utf8', i, e);
            i = Math.min(nl + 1, end);
            if (text.trim() === '')
                continue;
            if (this.add(text, line))
                rows++;
        }
        return i;
    }
    /** Adds one line's object; false for the line that gave the header only. */
    add(text, line) {
        const o = this.o;
        const obj = (0, json_lines_js_1.parseJsonObjectLine)(text, line, `${o.input}: ${o.file}`, o.file);
        if (!this.builder) {
            this.keys = Object.keys(obj);
            const header = this.keys.map((k) => k.trim());
            checkHeader(header, o, line);
            this.builder = new batch_js_1.BatchBuilder(header, o.batchRows, rulesFor(header, o), o.file, o.input, () => ({
                line: this.current,
            }));
        }
        const b = this.builder;
        const r = b.batch.rows;
        this.current = line;
        for (let c = 0; c < this.keys.length; c++) {
            const v = obj[this.keys[c]];
            if (v === undefined || v === null)
                b.missing(c, r);
            else if (typeof v === 'number' && Number.isFinite(v))
                b.batch.numbers[c][r] = v;
            else if (typeof v === 'string')
                b.cell(c, r, v);
            else
                b.text(c, r, typeof v === 'number' ? String(v) : JSON.stringify(v));
        }
        b.batch.lines[r] = line;
        b.batch.rows = r + 1;
        return true;
    }
}
exports.JsonLinesSource = JsonLinesSource;


/***/ }),

/***/ 3958:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_MODULE_onnxruntime_node_6a60201e__;

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 5919:
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
/******/ var __webpack_exports__ = __nccwpck_require__(4222);
/******/ var __webpack_exports__PROGRESS_EVERY = __webpack_exports__.e;
/******/ var __webpack_exports___esModule = __webpack_exports__.B;
/******/ export { __webpack_exports__PROGRESS_EVERY as PROGRESS_EVERY, __webpack_exports___esModule as __esModule };
/******/ 
