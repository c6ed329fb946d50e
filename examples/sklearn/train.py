#!/usr/bin/python3
"""Train a scikit-learn model and export it to ONNX: the "bring your own training code" path.

Sluice runs this as an ordinary stage (see sluice.yaml); anything that writes an ONNX file works.
skl2onnx is not packaged for Debian, so the fitted pipeline is written with onnx.helper:
StandardScaler then LogisticRegression is Sub, Div, MatMul, Add, Sigmoid.
"""
import argparse
import json

import numpy as np
import onnx
import pandas as pd
from onnx import TensorProto, helper
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True)
parser.add_argument("--target", required=True)
parser.add_argument("--C", type=float, default=1.0)
parser.add_argument("--out", required=True)
args = parser.parse_args()

frame = pd.read_csv(args.data)
features = [column for column in frame.columns if column != args.target]
model = make_pipeline(StandardScaler(), LogisticRegression(C=args.C, max_iter=1000, random_state=0))
model.fit(frame[features].to_numpy(dtype=np.float64), frame[args.target].to_numpy())
scaler, classifier = model.named_steps["standardscaler"], model.named_steps["logisticregression"]

def constant(name, values, shape):
    return helper.make_tensor(name, TensorProto.FLOAT, shape, np.asarray(values, dtype=np.float32).ravel().tolist())

graph = helper.make_graph(
    [
        helper.make_node("Sub", ["input", "mean"], ["centred"]),
        helper.make_node("Div", ["centred", "scale"], ["scaled"]),
        helper.make_node("MatMul", ["scaled", "coef"], ["logit_raw"]),
        helper.make_node("Add", ["logit_raw", "intercept"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["p1"]),
        helper.make_node("Sub", ["one", "p1"], ["p0"]),
        helper.make_node("Concat", ["p0", "p1"], ["probabilities"], axis=1),
    ],
    "sklearn_logistic_regression",
    [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", len(features)])],
    [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2])],
    [
        constant("mean", scaler.mean_, [len(features)]),
        constant("scale", scaler.scale_, [len(features)]),
        constant("coef", classifier.coef_.T, [len(features), 1]),
        constant("intercept", classifier.intercept_, [1]),
        constant("one", [1.0], [1]),
    ],
)
onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)], producer_name="scikit-learn")
onnx_model.ir_version = 8
for key, value in {
    "feature_names": json.dumps(features),
    "classes": json.dumps([str(label) for label in classifier.classes_]),
    "positive_class": str(classifier.classes_[-1]),
}.items():
    entry = onnx_model.metadata_props.add()
    entry.key, entry.value = key, value
onnx.checker.check_model(onnx_model)
onnx.save(onnx_model, args.out)
print(f"trained on {len(frame)} rows, {len(features)} features, C={args.C}: {args.out}")
