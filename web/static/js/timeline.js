/* aigraph timeline: append the next page of milestones in place, when its link scrolls into
   view or is followed. Without this script the link simply opens the next page. */
(function () {
  "use strict";

  var list = document.querySelector(".timeline");
  if (!list) { return; }
  var loading = false;

  function append(doc) {
    doc.querySelectorAll(".timeline > section.year").forEach(function (section) {
      var last = list.lastElementChild;
      var title = section.querySelector(".year-title");
      // A year cut by the page boundary continues in the section already shown.
      if (last && title && last.querySelector(".year-title") &&
          last.querySelector(".year-title").textContent === title.textContent) {
        var events = last.querySelector("ol.events");
        section.querySelectorAll("ol.events > li").forEach(function (li) {
          events.appendChild(document.importNode(li, true));
        });
      } else {
        list.appendChild(document.importNode(section, true));
      }
    });
  }

  function load(link) {
    if (loading) { return; }
    loading = true;
    var holder = link.closest(".timeline-more");
    holder.setAttribute("aria-busy", "true");
    fetch(link.href, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        append(doc);
        var next = doc.getElementById("timeline-next");
        if (next) {
          holder.replaceWith(document.importNode(next, true));
          watch();
        } else {
          holder.remove();
        }
        loading = false;
      })
      .catch(function () {
        // Offline or an error: leave the link, which still opens the page.
        holder.removeAttribute("aria-busy");
        loading = false;
      });
  }

  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { observer.unobserve(entry.target); load(entry.target); }
    });
  }, { rootMargin: "400px" }) : null;

  function watch() {
    var link = document.querySelector("#timeline-next a[data-load-more]");
    if (!link) { return; }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      load(link);
    });
    if (observer) { observer.observe(link); }
  }

  watch();
})();
