#!/usr/bin/env python3
"""An independent reader of the PowerShell grant writes, on tree-sitter's grammar.

PowerShell cannot be installed on the test machines, so its code is checked here:
the program on stdin must parse without an error node, every string must be a
single-quoted (verbatim) literal, and each literal is decoded as PowerShell's
tokenizer does: inside '...', any of the five single-quote characters ends the
string unless another one follows, and a doubled one stands for the second.

Prints JSON: {"errors": [...], "interpolated": [...], "assignments": [[name, value],
...], "removed": [name, ...], "strings": [value, ...], "statements": [kind, ...],
"commands": [...], "throws": [...], "exits": n, "functions": n}:
parse errors, double-quoted strings and subexpressions (which PowerShell expands),
`$Env:X = '...'` assignments decoded, `Remove-Item Env:X` names, every single-quoted
literal decoded, and the kind of each top-level statement; for reading a whole
script's control flow, every command ({"name", "words", "start", "block"}), every
`throw` ({"start", "block", "if": the condition of the `if` it is the body of, or
null, "if_block", "if_start"}), and how many `exit` statements and function
definitions there are. "start" is a byte offset; "block" is the start of the
statement list holding it, so two items with one "block" run in source order.
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


def enclosing(node, kind):
    node = node.parent
    while node is not None and node.type != kind:
        node = node.parent
    return node


def block_of(node):
    block = enclosing(node, "statement_list")
    return block.start_byte if block is not None else -1


def control_flow(source, root):
    commands, throws, exits, functions = [], [], 0, 0
    for node in walk(root):
        if node.type == "command":
            name = next((n for n in node.children if n.type == "command_name"), None)
            if name is None:
                continue
            words = [text_of(source, n) for n in walk(node) if n.type in ("command_name", "generic_token", "command_parameter")]
            commands.append({"name": text_of(source, name), "words": words, "start": node.start_byte, "block": block_of(node)})
        elif node.type == "flow_control_statement" and node.child_count:
            keyword = node.children[0].type
            if keyword == "exit":
                exits += 1
            elif keyword == "throw":
                body = enclosing(node, "statement_block")
                owner = body.parent if body is not None else None
                condition = None
                if owner is not None and owner.type == "if_statement" and body == owner.children[-1]:
                    inside = owner.children[owner.children.index(next(c for c in owner.children if c.type == "(")) + 1:]
                    condition = text_of(source, inside[0])
                throws.append({
                    "start": node.start_byte, "block": block_of(node), "if": condition,
                    "if_block": block_of(owner) if condition is not None else None,
                    "if_start": owner.start_byte if condition is not None else None,
                })
        elif node.type == "function_statement":
            functions += 1
    return {"commands": commands, "throws": throws, "exits": exits, "functions": functions}


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
    result.update(control_flow(source, tree.root_node))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
