"""Writes TensorBoard's event-file protos (tensorboard/compat/proto/*.proto) from an installed wheel.

The tensorboard wheel ships no .proto files, only the generated *_pb2.py modules, each of which
embeds its file's complete FileDescriptorProto. This prints those descriptors back as .proto
source (no comments survive; the schema does: every message, field number, type, oneof, enum and
option), under the Apache-2.0 header of the TensorFlow authors' originals, and --check compiles the
printed files with protoc and requires descriptors equal to the wheel's.

  .venv-hf/bin/python trainer-image/src/main/proto/from_wheel.py [--check PROTOC]

(run from the repository root, with the TensorBoard release the files should match installed).
"""

import argparse
import importlib
import subprocess
import sys
import tempfile
from pathlib import Path

import tensorboard
from google.protobuf import descriptor_pb2

ROOT = "tensorboard/compat/proto/event.proto"
OUT = Path(__file__).resolve().parent

HEADER = """\
/* Copyright The TensorFlow Authors. All Rights Reserved.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
==============================================================================*/

// {name} of TensorBoard {version}, printed by
// from_wheel.py (beside these files) from the descriptor embedded in the wheel's
// {module}: the schema is TensorBoard's; the original's
// comments are not in the wheel. Do not edit; regenerate.

"""

F = descriptor_pb2.FieldDescriptorProto
SCALARS = {
    F.TYPE_DOUBLE: "double",
    F.TYPE_FLOAT: "float",
    F.TYPE_INT64: "int64",
    F.TYPE_UINT64: "uint64",
    F.TYPE_INT32: "int32",
    F.TYPE_FIXED64: "fixed64",
    F.TYPE_FIXED32: "fixed32",
    F.TYPE_BOOL: "bool",
    F.TYPE_STRING: "string",
    F.TYPE_BYTES: "bytes",
    F.TYPE_UINT32: "uint32",
    F.TYPE_SFIXED32: "sfixed32",
    F.TYPE_SFIXED64: "sfixed64",
    F.TYPE_SINT32: "sint32",
    F.TYPE_SINT64: "sint64",
}


def module_of(name):
    return name[: -len(".proto")].replace("/", ".") + "_pb2"


def descriptor(name):
    module = importlib.import_module(module_of(name))
    return descriptor_pb2.FileDescriptorProto.FromString(module.DESCRIPTOR.serialized_pb)


def option_text(options):
    """name = value pairs of an options message (only fields set)."""
    pairs = []
    for field, value in options.ListFields():
        if field.type == field.TYPE_STRING:
            if not all(c.isprintable() and c not in '"\\' for c in value):
                raise SystemExit(f"option {field.name}: {value!r} needs escaping")
            text = f'"{value}"'
        elif field.type == field.TYPE_BOOL:
            text = "true" if value else "false"
        elif field.type == field.TYPE_ENUM:
            text = field.enum_type.values_by_number[value].name
        else:
            text = str(value)
        pairs.append((field.name, text))
    return pairs


class Printer:
    def __init__(self, fd):
        self.fd = fd
        self.prefix = "." + fd.package + "." if fd.package else "."
        self.lines = []

    def emit(self, depth, line=""):
        self.lines.append(("  " * depth + line) if line else "")

    def type_name(self, name):
        return name[len(self.prefix) :] if name.startswith(self.prefix) else name

    def field_type(self, field, message):
        if field.type in (F.TYPE_MESSAGE, F.TYPE_ENUM, F.TYPE_GROUP):
            entry = self.map_entry(field, message)
            if entry is not None:
                key, value = entry.field
                return f"map<{self.field_type(key, entry)}, {self.field_type(value, entry)}>"
            return self.type_name(field.type_name)
        return SCALARS[field.type]

    def map_entry(self, field, message):
        if field.label != F.LABEL_REPEATED or field.type != F.TYPE_MESSAGE:
            return None
        for nested in message.nested_type:
            if nested.options.map_entry and field.type_name.endswith("." + nested.name):
                return nested
        return None

    def field(self, depth, field, message, in_oneof):
        if in_oneof:
            label = ""
        elif self.map_entry(field, message) is not None:
            label = ""
        elif field.label == F.LABEL_REPEATED:
            label = "repeated "
        elif field.proto3_optional:
            label = "optional "
        else:
            label = ""
        options = option_text(field.options)
        if field.HasField("json_name") and field.json_name != default_json_name(field.name):
            options.append(("json_name", f'"{field.json_name}"'))
        suffix = " [" + ", ".join(f"{k} = {v}" for k, v in options) + "]" if options else ""
        self.emit(
            depth,
            f"{label}{self.field_type(field, message)} {field.name} = {field.number}{suffix};",
        )

    def enum(self, depth, enum):
        self.emit(depth, f"enum {enum.name} {{")
        for key, value in option_text(enum.options):
            self.emit(depth + 1, f"option {key} = {value};")
        for value in enum.value:
            options = option_text(value.options)
            suffix = " [" + ", ".join(f"{k} = {v}" for k, v in options) + "]" if options else ""
            self.emit(depth + 1, f"{value.name} = {value.number}{suffix};")
        self.reserved(depth + 1, enum.reserved_range, enum.reserved_name, inclusive=True)
        self.emit(depth, "}")

    def reserved(self, depth, ranges, names, inclusive):
        parts = []
        for r in ranges:
            end = r.end if inclusive else r.end - 1
            parts.append(str(r.start) if r.start == end else f"{r.start} to {end}")
        if parts:
            self.emit(depth, "reserved " + ", ".join(parts) + ";")
        if names:
            self.emit(depth, "reserved " + ", ".join(f'"{n}"' for n in names) + ";")

    def message(self, depth, message):
        self.emit(depth, f"message {message.name} {{")
        for key, value in option_text(message.options):
            self.emit(depth + 1, f"option {key} = {value};")
        for nested in message.nested_type:
            if not nested.options.map_entry:
                self.message(depth + 1, nested)
        for enum in message.enum_type:
            self.enum(depth + 1, enum)
        real_oneofs = {
            f.oneof_index
            for f in message.field
            if f.HasField("oneof_index") and not f.proto3_optional
        }
        printed = set()
        for field in message.field:
            if field.HasField("oneof_index") and field.oneof_index in real_oneofs:
                index = field.oneof_index
                if index in printed:
                    continue
                printed.add(index)
                members = [f for f in message.field if f.HasField("oneof_index") and f.oneof_index == index]
                self.check_contiguous(message, members)
                self.emit(depth + 1, f"oneof {message.oneof_decl[index].name} {{")
                for member in members:
                    self.field(depth + 2, member, message, in_oneof=True)
                self.emit(depth + 1, "}")
            else:
                self.field(depth + 1, field, message, in_oneof=False)
        self.reserved(depth + 1, message.reserved_range, message.reserved_name, inclusive=False)
        if message.extension or message.extension_range:
            raise SystemExit(f"{message.name}: extensions are not printed")
        self.emit(depth, "}")

    @staticmethod
    def check_contiguous(message, members):
        positions = [list(message.field).index(m) for m in members]
        if positions != list(range(positions[0], positions[0] + len(positions))):
            raise SystemExit(f"{message.name}: a oneof's fields are not declared together")

    def file(self):
        fd = self.fd
        if fd.service or fd.extension:
            raise SystemExit(f"{fd.name}: services and extensions are not printed")
        self.emit(0, f'syntax = "{fd.syntax or "proto2"}";')
        self.emit(0)
        if fd.package:
            self.emit(0, f"package {fd.package};")
            self.emit(0)
        for i, dep in enumerate(fd.dependency):
            kind = "public " if i in fd.public_dependency else "weak " if i in fd.weak_dependency else ""
            self.emit(0, f'import {kind}"{dep}";')
        if fd.dependency:
            self.emit(0)
        for key, value in option_text(fd.options):
            self.emit(0, f"option {key} = {value};")
        for enum in fd.enum_type:
            self.emit(0)
            self.enum(0, enum)
        for message in fd.message_type:
            self.emit(0)
            self.message(0, message)
        return "\n".join(self.lines) + "\n"


def default_json_name(name):
    parts = name.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def closure(name):
    names, todo = [], [name]
    while todo:
        current = todo.pop(0)
        if current not in names:
            names.append(current)
            todo.extend(descriptor(current).dependency)
    return names


def normalised(fd):
    """The descriptor without what protoc records but a printed file cannot pin: json_name."""
    copy = descriptor_pb2.FileDescriptorProto()
    copy.CopyFrom(fd)
    copy.ClearField("source_code_info")

    def strip(messages):
        for message in messages:
            for field in message.field:
                field.ClearField("json_name")
            strip(message.nested_type)

    strip(copy.message_type)
    return copy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", metavar="PROTOC", help="compile and compare instead of writing")
    args = parser.parse_args()
    names = closure(ROOT)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "set.pb"
            subprocess.run(
                [args.check, f"--proto_path={OUT}", f"--descriptor_set_out={out}", "--include_imports"]
                + names,
                check=True,
            )
            compiled = {f.name: f for f in descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes()).file}
        bad = [n for n in names if normalised(compiled[n]) != normalised(descriptor(n))]
        for n in names:
            print(("DIFFERS " if n in bad else "same    ") + n)
        sys.exit(1 if bad else 0)
    for name in names:
        text = HEADER.format(name=name, version=tensorboard.__version__, module=module_of(name))
        path = OUT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + Printer(descriptor(name)).file())
        print(f"wrote {path.relative_to(OUT)}")


if __name__ == "__main__":
    main()
