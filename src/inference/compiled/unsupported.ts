/**
 * Why a graph is not compiled: an operator, attribute, type or shape outside what the compiled
 * runtime implements. Not an error for the user: the model is then served by onnxruntime, and
 * the message becomes the reason given for that choice.
 */
export class UnsupportedGraph extends Error {
  override readonly name = 'UnsupportedGraph';
}
