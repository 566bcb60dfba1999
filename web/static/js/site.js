/* aigraph: small enhancements; every page works without them.
   search boxes with data-autocomplete get suggestions from /search?format=json
   (an ARIA combobox: arrow keys move, Enter opens, Escape closes). */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  function setupAutocomplete(input, index) {
    var endpoint = input.getAttribute("data-autocomplete");
    var noResults = input.getAttribute("data-no-results") || "";
    var list = document.createElement("ul");
    var items = [];
    var active = -1;
    var pending = null;

    list.className = "suggest-list";
    list.id = (input.id || "search-" + index) + "-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(position) {
      var options = list.querySelectorAll("[role=option]");
      active = position;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      if (active >= 0 && options[active]) {
        input.setAttribute("aria-activedescendant", options[active].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(results) {
      items = results;
      list.textContent = "";
      if (!results.length) {
        if (!noResults) { close(); return; }
        var empty = document.createElement("li");
        empty.textContent = noResults;
        empty.className = "muted";
        list.appendChild(empty);
      }
      results.forEach(function (hit, i) {
        var option = document.createElement("li");
        var label = document.createElement("span");
        var kind = document.createElement("span");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        label.textContent = hit.label;
        kind.textContent = hit.kind_label;
        kind.className = "kind kind-" + hit.kind;
        option.appendChild(label);
        option.appendChild(kind);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          window.location.href = hit.url;
        });
        list.appendChild(option);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    var lookup = debounce(function () {
      var text = input.value.trim();
      if (text.length < 2) { close(); return; }
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(endpoint + "?format=json&q=" + encodeURIComponent(text),
            { headers: { Accept: "application/json" }, signal: pending.signal,
              credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === text) { render(data.results || []); } })
        .catch(function () { /* aborted or offline: the form still works */ });
    }, 150);

    input.addEventListener("input", lookup);
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(Math.min(active + 1, items.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(Math.max(active - 1, -1));
      } else if (event.key === "Enter" && active >= 0 && items[active]) {
        event.preventDefault();
        window.location.href = items[active].url;
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.querySelectorAll("input[data-autocomplete]").forEach(setupAutocomplete);
})();
