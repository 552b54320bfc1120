/* Header search autocomplete: an ARIA 1.2 combobox with a listbox popup.
 * Keys: ArrowDown/ArrowUp move, Enter opens the active option (or submits),
 * Escape closes (a second Escape clears), Home/End stay in the text box.
 * Suggestions come from the JSON endpoint in data-autocomplete-url. */
(function () {
  "use strict";

  function setup(input) {
    if (input.dataset.autocompleteReady) return;
    input.dataset.autocompleteReady = "1";
    var listbox = document.getElementById(input.getAttribute("aria-controls"));
    var status = input.form.querySelector("[data-autocomplete-status]");
    var url = input.dataset.autocompleteUrl;
    var options = [];
    var active = -1;
    var timer = null;
    var controller = null;
    // Answers already shown on this page: typing back over a prefix (Backspace)
    // shows them again without a request. Degraded answers are not kept.
    var answers = new Map();
    var MAX_ANSWERS = 50;

    function announce(count) {
      if (!status) return;
      if (count === 0) status.textContent = status.dataset.none;
      else if (count === 1) status.textContent = status.dataset.one;
      else status.textContent = status.dataset.many.replace("%(n)s", count);
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(results) {
      listbox.textContent = "";
      options = [];
      var group = null;
      results.forEach(function (item, i) {
        if (item.group && item.group !== group) {
          group = item.group;
          var heading = document.createElement("li");
          heading.setAttribute("role", "presentation");
          heading.className = "site-search__group";
          heading.textContent = group;
          listbox.appendChild(heading);
        }
        var option = document.createElement("li");
        option.id = listbox.id + "-option-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "site-search__option site-search__option--" + item.kind;
        option.dataset.url = item.url;
        option.textContent = item.label;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep focus in the box until we navigate
          window.location.assign(item.url);
        });
        listbox.appendChild(option);
        options.push(option);
      });
      active = -1;
      if (options.length) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      announce(options.length);
    }

    function fetchSuggestions() {
      var text = input.value.trim();
      if (text.length < 2) {
        close();
        return;
      }
      if (controller) controller.abort();
      if (answers.has(text)) {
        render(answers.get(text));
        return;
      }
      controller = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(text), {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          var results = data.results || [];
          if (data.query !== undefined && !data.degraded) {
            // A real answer (an error gives no query), oldest dropped first.
            if (answers.size >= MAX_ANSWERS) {
              answers.delete(answers.keys().next().value);
            }
            answers.set(text, results);
          }
          if (input.value.trim() === text) render(results);
        })
        .catch(function () {}); // an aborted or failed request just shows nothing
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });

    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!open) fetchSuggestions();
          else highlight(active + 1 >= options.length ? 0 : active + 1);
          break;
        case "ArrowUp":
          if (!open) return;
          event.preventDefault();
          highlight(active <= 0 ? options.length - 1 : active - 1);
          break;
        case "Enter":
          if (open && active >= 0) {
            event.preventDefault();
            window.location.assign(options[active].dataset.url);
          }
          break;
        case "Escape":
          if (open) {
            // A search box empties itself on Escape: closing the list keeps the text.
            event.preventDefault();
            close();
          } else {
            input.value = "";
          }
          break;
        case "Tab":
          close();
          break;
      }
    });

    input.addEventListener("blur", function () {
      setTimeout(close, 100);
    });
  }

  function init() {
    document.querySelectorAll("input[data-autocomplete-url]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
