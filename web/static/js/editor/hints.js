/* The CodeMirror side of completion: turns completion.js's suggestions into the hint pop-up. */
import {make} from "./dom.js";
import {suggest} from "./completion.js";

function renderHint(node, self, item) {
  node.appendChild(make("span", {"class": "sq-hint-name"}, item.text));
  if (item.note) node.appendChild(make("span", {"class": "sq-hint-note"}, item.note));
}

/* Options for cm.showHint: suggestions from `vocab` (filled in as it loads), notes from `T`. */
export function hintOptions(CodeMirror, vocab, T) {
  function hint(cm) {
    const cur = cm.getCursor();
    const token = cm.getTokenAt(cur);
    if (token.type && /comment|string/.test(token.type)) return null;
    if (token.type === "atom" && token.string.charAt(0) === "<") return null;
    const found = suggest(cm.getLine(cur.line).slice(0, cur.ch), cm.getValue(), vocab, T);
    if (!found) return null;
    const list = found.items.map((item) => Object.assign({render: renderHint}, item));
    const result = {list, from: CodeMirror.Pos(cur.line, found.start), to: CodeMirror.Pos(cur.line, cur.ch)};
    CodeMirror.on(result, "select", function (entry, node) {
      if (entry.title) node.title = entry.title;
    });
    return result;
  }

  return {hint, completeSingle: false, extraKeys: {
    // Enter on a name already typed in full ends the line instead of picking it again.
    Enter: function (cm, handle) {
      const active = cm.state.completionActive;
      const widget = active && active.widget;
      const chosen = widget && handle.data.list[widget.selectedHint];
      if (chosen && chosen.text === cm.getRange(handle.data.from, cm.getCursor())) {
        handle.close();
        return CodeMirror.Pass;
      }
      handle.pick();
    }
  }};
}
