// The example's model: standardisation + logistic regression, stored as JSON.
export function predictProbability(model, features) {
  let z = model.intercept;
  for (let j = 0; j < features.length; j++) z += model.weights[j] * ((features[j] - model.means[j]) / model.scales[j]);
  return 1 / (1 + Math.exp(-z));
}

export function splitFeatures(columns, rows) {
  const target = columns.indexOf('target');
  return {
    names: columns.filter((_, index) => index !== target),
    x: rows.map((row) => row.filter((_, index) => index !== target)),
    y: rows.map((row) => row[target]),
  };
}
