/**
 * XGBoost models trained by Debian's python3-xgboost for the import and explanation tests, with
 * XGBoost's own predictions and exact TreeSHAP contributions (`pred_contribs=True`) as the
 * reference: a binary:logistic classifier on the breast-cancer data (also scored on the drifted
 * file, whose missing values take the default directions), a multi:softprob classifier on iris
 * (bundled with scikit-learn), a reg:squarederror regressor of mean_area on breast-cancer, and a
 * binary:hinge model whose objective the importer does not support. Fixed seeds; a few seconds.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedFixture } from './fixtures.js';

export const PYTHON = '/usr/bin/python3';

/** Why the XGBoost tests cannot run here, or false when they can. */
export function xgboostMissing(): string | false {
  const probe = spawnSync(PYTHON, ['-c', 'import xgboost, sklearn, pandas'], { encoding: 'utf8' });
  return probe.status === 0 ? false : 'needs Debian python3-xgboost, python3-sklearn and python3-pandas (.ci/run installs them)';
}

const SCRIPT = String.raw`
import sys, numpy as np, pandas as pd, xgboost as xgb
from sklearn.datasets import load_iris
out, train_csv, test_csv, drifted_csv = sys.argv[1:5]
train, test, drifted = pd.read_csv(train_csv), pd.read_csv(test_csv), pd.read_csv(drifted_csv)
def save(name, array):
    np.savetxt(f"{out}/{name}.txt", np.asarray(array, dtype=np.float64).reshape(len(array), -1), fmt="%.17g")
X, y = train.drop(columns="target"), train["target"]
binary = xgb.XGBClassifier(n_estimators=30, max_depth=4, learning_rate=0.3, random_state=0).fit(X, y)
binary.get_booster().save_model(f"{out}/binary.json")
save("binary_proba", binary.predict_proba(test.drop(columns="target"))[:, 1])
save("binary_drifted_proba", binary.predict_proba(drifted.drop(columns="target"))[:, 1])
save("binary_contribs", binary.get_booster().predict(xgb.DMatrix(test.drop(columns="target")), pred_contribs=True))
iris = load_iris(as_frame=True).frame
iris.columns = [c.replace(" (cm)", "").replace(" ", "_") for c in iris.columns]
iris.to_csv(f"{out}/iris.csv", index=False)
Xi, yi = iris.drop(columns="target"), iris["target"]
multi = xgb.XGBClassifier(n_estimators=10, max_depth=3, random_state=0).fit(Xi, yi)
multi.get_booster().save_model(f"{out}/multi.json")
save("multi_proba", multi.predict_proba(Xi))
save("multi_contribs", multi.get_booster().predict(xgb.DMatrix(Xi), pred_contribs=True))
Xr, yr = X.drop(columns="mean_area"), X["mean_area"]
reg = xgb.XGBRegressor(n_estimators=25, max_depth=5, random_state=0).fit(Xr, yr)
reg.get_booster().save_model(f"{out}/reg.json")
test_r = test.drop(columns=["target"])
test_r.to_csv(f"{out}/reg_test.csv", index=False)
save("reg_pred", reg.predict(test_r.drop(columns="mean_area")))
save("reg_contribs", reg.get_booster().predict(xgb.DMatrix(test_r.drop(columns="mean_area")), pred_contribs=True))
hinge = xgb.XGBClassifier(n_estimators=2, max_depth=2, objective="binary:hinge").fit(X, y)
hinge.get_booster().save_model(f"{out}/hinge.json")
`;

/** Trains the models into `dir` (throws with Python's stderr when training fails). */
export function trainXgboostModels(dir: string): void {
  const result = spawnSync(PYTHON, ['-c', SCRIPT, dir, sharedFixture('breast_cancer', 'train.csv'), sharedFixture('breast_cancer', 'test.csv'), sharedFixture('breast_cancer', 'current_drifted.csv')], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (result.status !== 0) throw new Error(`training the XGBoost models failed: ${result.stderr || result.error?.message}`);
}

/** A matrix written by the script: one row per line. */
export function readMatrix(path: string): number[][] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
}

export const modelFile = (dir: string, name: string): string => join(dir, name);
