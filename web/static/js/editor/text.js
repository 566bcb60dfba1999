/* Message templates: fill "{name}" placeholders from an object, leaving unknown ones as they are. */

export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, function (all, key) {
    return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
  });
}
