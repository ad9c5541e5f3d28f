// Protobuf encoding for the tests: enough to write ONNX ModelProto messages by field number.

export type ProtoValue = number | bigint | string | Buffer | ProtoMsg;
/** A message as [field number, value] pairs; numbers are varints, strings/buffers/messages are length-delimited. */
export type ProtoMsg = { fields: [number, ProtoValue][] };

export const msg = (...fields: [number, ProtoValue][]): ProtoMsg => ({ fields });

export function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Buffer.from(out);
}

export function encode(m: ProtoMsg): Buffer {
  const parts: Buffer[] = [];
  for (const [field, value] of m.fields) {
    if (typeof value === 'number' || typeof value === 'bigint') {
      parts.push(varint(field * 8), varint(value));
    } else {
      const body = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.isBuffer(value) ? value : encode(value);
      parts.push(varint(field * 8 + 2), varint(body.length), body);
    }
  }
  return Buffer.concat(parts);
}
