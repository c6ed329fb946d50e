/**
 * A scikit-learn random forest written as an ONNX TreeEnsembleClassifier with onnx.helper (Debian
 * has python3-onnx but no skl2onnx): five trees of depth 4 on the breast-cancer training data,
 * one float input `input` [N, 30], outputs `label` and `probabilities`, leaves holding each tree's
 * class proportions divided by the number of trees, as skl2onnx writes forests. No covers stored.
 */
import { spawnSync } from 'node:child_process';
import { sharedFixture } from './fixtures.js';

const SCRIPT = String.raw`
import sys, numpy as np, pandas as pd, onnx
from onnx import helper, TensorProto
from sklearn.ensemble import RandomForestClassifier
train = pd.read_csv(sys.argv[1])
X, y = train.drop(columns="target").to_numpy(np.float32), train["target"]
forest = RandomForestClassifier(n_estimators=5, max_depth=4, random_state=0).fit(X, y)
a = {k: [] for k in ["treeids", "nodeids", "featureids", "modes", "values", "true", "false", "ctree", "cnode", "cid", "cw"]}
for t, est in enumerate(forest.estimators_):
    tree = est.tree_
    for n in range(tree.node_count):
        leaf = tree.children_left[n] == -1
        a["treeids"].append(t); a["nodeids"].append(n)
        a["featureids"].append(0 if leaf else int(tree.feature[n]))
        a["modes"].append("LEAF" if leaf else "BRANCH_LEQ")
        a["values"].append(0.0 if leaf else float(tree.threshold[n]))
        a["true"].append(0 if leaf else int(tree.children_left[n])); a["false"].append(0 if leaf else int(tree.children_right[n]))
        if leaf:
            share = tree.value[n][0] / tree.value[n][0].sum()
            for c in range(2):
                a["ctree"].append(t); a["cnode"].append(n); a["cid"].append(c); a["cw"].append(float(share[c]) / len(forest.estimators_))
node = helper.make_node("TreeEnsembleClassifier", ["input"], ["label", "probabilities"], domain="ai.onnx.ml",
    classlabels_int64s=[0, 1], post_transform="NONE",
    nodes_treeids=a["treeids"], nodes_nodeids=a["nodeids"], nodes_featureids=a["featureids"], nodes_modes=a["modes"],
    nodes_values=a["values"], nodes_truenodeids=a["true"], nodes_falsenodeids=a["false"],
    nodes_missing_value_tracks_true=[0] * len(a["treeids"]),
    class_treeids=a["ctree"], class_nodeids=a["cnode"], class_ids=a["cid"], class_weights=a["cw"])
graph = helper.make_graph([node], "forest", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, 30])],
    [helper.make_tensor_value_info("label", TensorProto.INT64, [None]), helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15), helper.make_opsetid("ai.onnx.ml", 3)])
model.ir_version = 8
onnx.save(model, sys.argv[2])
`;

/** Writes the forest to `path` (throws with Python's stderr when it fails). */
export function writeForestOnnx(path: string): void {
  const result = spawnSync('/usr/bin/python3', ['-c', SCRIPT, sharedFixture('breast_cancer', 'train.csv'), path], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`writing the forest failed: ${result.stderr || result.error?.message}`);
}

/** Prints a model's initializers and attributes as JSON (for closed forms in tests). */
export function onnxConstants(path: string): Record<string, number[]> {
  const script = String.raw`
import sys, json, onnx
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
out = {t.name: numpy_helper.to_array(t).astype(float).ravel().tolist() for t in m.graph.initializer}
for n in m.graph.node:
    for a in n.attribute:
        if a.floats: out[n.op_type + "." + a.name] = list(a.floats)
print(json.dumps(out))
`;
  const result = spawnSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Record<string, number[]>;
}
