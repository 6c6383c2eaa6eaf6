/**
 * Kernels of metrics that are a mean, a sum or an R² of per-row terms: the value on a resample
 * (R² against scikit-learn 1.2.1's r2_score with sample_weight, /usr/bin/python3), and the
 * exact jackknife BCa needs: leaving row i out equals a resample that gives row i weight 0.
 */
import { describe, expect, it } from '@jest/globals';
import { meanKernel, r2Kernel, sumKernel } from './row-kernels.js';

const y = Float64Array.from([3, -0.5, 2, 7, 4.2, 1, 0]);
const yhat = Float64Array.from([2.5, 0, 2, 8, 4, 1.5, -1]);
const unit = new Float64Array(7).fill(1);
const without = (i: number) => unit.map((v, j) => (j === i ? 0 : v));

describe('meanKernel', () => {
  const kernel = meanKernel('log_loss', Float64Array.from([0.2, 0.4, 1.2, 0.1]));

  it('is the weighted mean of the row terms, and names its metric', () => {
    expect(kernel.value(Uint16Array.from([1, 2, 0, 1]), [])).toBeCloseTo((0.2 + 0.8 + 0.1) / 4, 15);
    expect([kernel.metric, kernel.usesConfusion, kernel.spec.kind]).toEqual(['log_loss', false, 'mean']);
  });

  it('leaving row i out is the mean of the others', () => {
    expect(Array.from(kernel.leaveOneOut!())).toEqual([
      expect.closeTo(1.7 / 3, 15),
      expect.closeTo(1.5 / 3, 15),
      expect.closeTo(0.7 / 3, 15),
      expect.closeTo(1.8 / 3, 15),
    ]);
  });

  it('with one row there is nothing left: NaN, and a resample of no weight is NaN', () => {
    const one = meanKernel('mae', Float64Array.from([0.5]));
    expect(one.leaveOneOut!()[0]).toBeNaN();
    expect(one.value(Uint16Array.from([0]), [])).toBeNaN();
  });
});

describe('sumKernel', () => {
  it('is Σ w·v, and leaving row i out subtracts its term', () => {
    const kernel = sumKernel('log_loss_sum', Float64Array.from([0.5, 1.5, 2]));
    expect(kernel.value(Uint16Array.from([2, 0, 1]), [])).toBe(3);
    expect(Array.from(kernel.leaveOneOut!())).toEqual([3.5, 2.5, 2]);
    expect(kernel.spec.kind).toBe('sum');
  });
});

describe('r2Kernel', () => {
  it('equals r2_score, with and without sample_weight', () => {
    const kernel = r2Kernel(y, yhat, true);
    expect(kernel.value(unit, [])).toBeCloseTo(0.932031739402798, 12);
    expect(kernel.value(Float64Array.from([1, 2, 1, 0.5, 3, 1, 2]), [])).toBeCloseTo(0.9268968170016347, 12);
    expect(kernel.metric).toBe('r2');
  });

  it('leaving row i out equals weight 0 on row i', () => {
    const kernel = r2Kernel(y, yhat, true);
    const loo = kernel.leaveOneOut!();
    for (let i = 0; i < y.length; i++)
      expect([i, loo[i]]).toEqual([i, expect.closeTo(kernel.value(without(i), []), 12)]);
  });

  it('a constant target: force_finite gives 1 for a perfect fit and 0 otherwise; without it, NaN', () => {
    const constant = Float64Array.from([2, 2, 2]);
    expect(r2Kernel(constant, constant, true).value(new Float64Array(3).fill(1), [])).toBe(1);
    expect(r2Kernel(constant, Float64Array.from([2, 3, 2]), true).value(new Float64Array(3).fill(1), [])).toBe(0);
    expect(r2Kernel(constant, Float64Array.from([2, 3, 2]), false).value(new Float64Array(3).fill(1), [])).toBeNaN();
    // leaving out the one row that differs makes the rest constant: NaN without force_finite
    const nearly = Float64Array.from([2, 2, 5]);
    expect(r2Kernel(nearly, Float64Array.from([2, 2, 4]), false).leaveOneOut!()[2]).toBeNaN();
  });
});
