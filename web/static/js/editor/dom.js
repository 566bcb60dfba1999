/* Building DOM nodes: every piece of data goes in with textContent or an attribute, never as HTML. */

const SVG = "http://www.w3.org/2000/svg";

function build(node, attrs, text) {
  Object.keys(attrs || {}).forEach((key) => node.setAttribute(key, attrs[key]));
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

export function make(tag, attrs, text) {
  return build(document.createElement(tag), attrs, text);
}

export function svg(tag, attrs, text) {
  return build(document.createElementNS(SVG, tag), attrs, text);
}
