#!/usr/bin/env python3
"""An independent reader of the PowerShell grant writes, on tree-sitter's grammar.

PowerShell cannot be installed on the test machines, so its code is checked here:
the program on stdin must parse without an error node, every string must be a
single-quoted (verbatim) literal, and each literal is decoded as PowerShell's
tokenizer does: inside '...', any of the five single-quote characters ends the
string unless another one follows, and a doubled one stands for the second.

Prints JSON: {"errors": [...], "interpolated": [...], "assignments": [[name, value],
...], "removed": [name, ...], "strings": [value, ...], "statements": [kind, ...]}:
parse errors, double-quoted strings and subexpressions (which PowerShell expands),
`$Env:X = '...'` assignments decoded, `Remove-Item Env:X` names, every single-quoted
literal decoded, and the kind of each top-level statement.
"""
import json
import sys

import tree_sitter
import tree_sitter_powershell

SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"


def decode_verbatim(text):
    """The value of a single-quoted literal, or raises ValueError."""
    if len(text) < 2 or text[0] not in SINGLE_QUOTES or text[-1] not in SINGLE_QUOTES:
        raise ValueError("not a single-quoted string: %r" % text)
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c in SINGLE_QUOTES:
            if i + 1 < len(body) and body[i + 1] in SINGLE_QUOTES:
                out.append(body[i + 1])
                i += 2
                continue
            raise ValueError("the string ends early at %d: %r" % (i, text))
        out.append(c)
        i += 1
    return "".join(out)


def try_decode(text):
    try:
        return decode_verbatim(text)
    except ValueError:
        return None


def walk(node):
    yield node
    for child in node.children:
        yield from walk(child)


def text_of(source, node):
    return source[node.start_byte:node.end_byte].decode("utf-8")


def main():
    source = sys.stdin.buffer.read()
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
    tree = parser.parse(source)
    result = {
        "errors": [], "interpolated": [], "assignments": [], "removed": [],
        "strings": [], "statements": [],
    }
    for node in walk(tree.root_node):
        if node.is_error or node.is_missing:
            result["errors"].append("%s at %s: %r" % (node.type, node.start_point, text_of(source, node)[:80]))
        elif node.type == "string_literal":
            literal = text_of(source, node)
            if literal[:1] in SINGLE_QUOTES:
                try:
                    result["strings"].append(decode_verbatim(literal))
                except ValueError as error:
                    result["errors"].append(str(error))
        elif node.type in ("expandable_string_literal", "expandable_here_string_literal", "sub_expression"):
            result["interpolated"].append("%s at %s" % (node.type, node.start_point))
    statements = tree.root_node.child(0) if tree.root_node.child_count else None
    for statement in (statements.children if statements else []):
        result["statements"].append(statement.type)
        assignment = next((n for n in walk(statement) if n.type == "assignment_expression"), None)
        if assignment is not None:
            variable = next(n for n in walk(assignment.children[0]) if n.type == "variable")
            value = next((n for n in walk(assignment.children[-1]) if n.type == "string_literal"), None)
            result["assignments"].append([
                text_of(source, variable),
                try_decode(text_of(source, value)) if value is not None else None,
            ])
            continue
        command = next((n for n in walk(statement) if n.type == "command"), None)
        if command is not None:
            words = [text_of(source, n) for n in walk(command) if n.type in ("command_name", "generic_token", "command_parameter")]
            if words[:1] == ["Remove-Item"] and len(words) > 1:
                result["removed"].append(words[1])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
