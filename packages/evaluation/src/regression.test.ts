/**
 * Expected values from scikit-learn 1.2.1 (/usr/bin/python3): one target
 * y = [3, -0.5, 2, 7, 4], pred = [2.5, 0, 2, 8, 3]; two targets
 * Y = [[0.5,1],[-1,1],[7,-6],[2,3]], P = [[0,2],[-1,2],[8,-5],[2,2]] with each multioutput mode.
 */
import { describe, expect, it } from '@jest/globals';
import { regressionMetrics } from './regression.js';

const close = (values: Record<string, number | null>, expected: Record<string, number>) => {
  for (const [name, value] of Object.entries(expected))
    expect([name, values[name]]).toEqual([name, expect.closeTo(value, 14)]);
};

describe('regressionMetrics, one target', () => {
  it('every metric as scikit-learn computes it', () => {
    const m = regressionMetrics(Float64Array.of(3, -0.5, 2, 7, 4), Float64Array.of(2.5, 0, 2, 8, 3));
    close(m.values, {
      mse: 0.5,
      rmse: 0.7071067811865476,
      mae: 0.6,
      r2: 0.9172185430463576,
      explained_variance: 0.9172185430463576,
      max_error: 1,
      mape: 0.3119047619047619,
      median_absolute_error: 0.5,
    });
    expect(Object.keys(m.values).sort()).toEqual(
      ['explained_variance', 'mae', 'mape', 'max_error', 'median_absolute_error', 'mse', 'r2', 'rmse'].sort(),
    );
  });

  it('a constant target: r2 1 for a perfect fit, else 0 (force_finite), or undefined with the reason when off', () => {
    const y = Float64Array.of(2, 2, 2);
    expect(regressionMetrics(y, y).values.r2).toBe(1);
    const off = regressionMetrics(y, Float64Array.of(2, 2, 3));
    expect([off.values.r2, off.notes.r2]).toEqual([
      0,
      'the holdout target is constant: scikit-learn reports 1.0 for a perfect fit, else 0.0',
    ]);
    const raw = regressionMetrics(y, Float64Array.of(2, 2, 3), { forceFinite: false });
    expect([raw.values.r2, raw.notes.r2]).toEqual([
      null,
      'undefined: the holdout target is constant (zero variance) and force_finite is off',
    ]);
    expect(raw.values.explained_variance).toBeNull();
  });

  it('one row has no R²; zero rows are refused', () => {
    const one = regressionMetrics(Float64Array.of(1), Float64Array.of(2));
    expect([one.values.r2, one.notes.r2, one.values.mae]).toEqual([null, 'undefined: R² needs at least two rows', 1]);
    expect(() => regressionMetrics(new Float64Array(0), new Float64Array(0))).toThrow(
      'Regression metrics of zero rows: an empty holdout has no error to measure',
    );
  });

  it('MAPE floors |y| at machine epsilon, as scikit-learn, so a zero target gives a huge but finite value', () => {
    const m = regressionMetrics(Float64Array.of(0, 1), Float64Array.of(1, 1));
    expect(m.values.mape).toBe(1 / 2.220446049250313e-16 / 2);
  });
});

describe('regressionMetrics, several targets', () => {
  const truth = Float64Array.of(0.5, 1, -1, 1, 7, -6, 2, 3);
  const predicted = Float64Array.of(0, 2, -1, 2, 8, -5, 2, 2);

  it('raw_values: one value per named target', () => {
    const m = regressionMetrics(truth, predicted, {
      outputs: 2,
      outputNames: ['price', 'days'],
      multioutput: 'raw_values',
    });
    close(m.values, {
      'r2[price]': 0.9654576856649395,
      'r2[days]': 0.9144385026737968,
      'explained_variance[price]': 0.9671848013816926,
      'explained_variance[days]': 0.9358288770053476,
      'mse[price]': 0.3125,
      'mse[days]': 1,
      'rmse[days]': 1,
      'mae[price]': 0.375,
    });
    expect(m.values.r2).toBeUndefined();
  });

  it('uniform_average and variance_weighted combine the targets; max_error is not defined', () => {
    const uniform = regressionMetrics(truth, predicted, { outputs: 2 });
    close(uniform.values, {
      r2: 0.9399480941693681,
      explained_variance: 0.9515068391935201,
      mse: 0.65625,
      mae: 0.6875,
      rmse: (Math.sqrt(0.3125) + 1) / 2, // scikit-learn 1.2's squared=False: the mean of the roots
    });
    expect(uniform.values.max_error).toBeUndefined();
    expect(uniform.notes.max_error).toBe(
      'not defined for several outputs (scikit-learn: max_error does not support multioutput)',
    );
    expect(uniform.notes.multioutput).toBe('2 outputs combined as uniform_average');
    const weighted = regressionMetrics(truth, predicted, { outputs: 2, multioutput: 'variance_weighted' });
    close(weighted.values, { r2: 0.9366993217784476, explained_variance: 0.9495101733232856, mse: 0.65625 });
  });
});
