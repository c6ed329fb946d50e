/**
 * The part of onnx/onnx.proto (IR version 8) that Sluice writes and reads: models, graphs, nodes,
 * attributes, tensors and types. Field numbers are the specification's; protobufjs encodes
 * fields in declaration order, which makes the bytes deterministic for the same model. The
 * fields Sluice never writes (raw_data, double_data, sparse initializers, subgraphs…) are here
 * so that the compiled runtime can read models from other exporters, or see what it cannot run.
 */
import protobuf from 'protobufjs';

const ONNX_SUBSET = `
syntax = "proto2";
package onnx;

message AttributeProto {
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  optional GraphProto g = 6;
  repeated TensorProto tensors = 10;
  repeated GraphProto graphs = 11;
  optional int32 type = 20;
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string domain = 7;
}

message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}

message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated SparseTensorProto sparse_initializer = 15;
}

message SparseTensorProto {
  optional TensorProto values = 1;
}

message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated bytes string_data = 6;
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  repeated int32 int32_data = 5 [packed = true];
  optional bytes raw_data = 9;
  repeated double double_data = 10 [packed = true];
  repeated StringStringEntryProto external_data = 13;
}

message TensorShapeProto {
  message Dimension {
    optional int64 dim_value = 1;
    optional string dim_param = 2;
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  message Sequence {
    optional TypeProto elem_type = 1;
  }
  message Map {
    optional int32 key_type = 1;
    optional TypeProto value_type = 2;
  }
  optional Tensor tensor_type = 1;
  optional Sequence sequence_type = 4;
  optional Map map_type = 5;
}

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
`;

const root = protobuf.parse(ONNX_SUBSET, { keepCase: true }).root;

/** Message types, for encoding and decoding. */
export const ModelProto = root.lookupType('onnx.ModelProto');
export const GraphProto = root.lookupType('onnx.GraphProto');
export const NodeProto = root.lookupType('onnx.NodeProto');
export const ValueInfoProto = root.lookupType('onnx.ValueInfoProto');

/** TensorProto.DataType values. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, DOUBLE: 11 } as const;

/** AttributeProto.AttributeType values. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10 } as const;
