/* aigraph curation forms: fill the list of each link input (data-lookup) with matching
   entities as the curator types. The forms work without it: the server resolves names. */
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

  function setup(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var endpoint = input.getAttribute("data-lookup");
    var last = null;
    if (!list || !endpoint) { return; }
    input.addEventListener("input", debounce(function () {
      var text = input.value.trim();
      if (text.length < 2 || text === last || /\[[a-z0-9-]+\]$/.test(text)) { return; }
      last = text;
      var url = endpoint + (endpoint.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(text);
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          if (input.value.trim() !== text) { return; }
          list.textContent = "";
          data.results.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.value;
            option.textContent = item.kind;
            list.appendChild(option);
          });
        })
        .catch(function () { list.textContent = ""; });
    }, 150));
  }

  document.querySelectorAll("input[data-lookup]").forEach(setup);
}());
