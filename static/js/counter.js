/* The counter, keyboard first: the search box lists products as staff type
   (↓ ↑ Enter), a scanner's code + Enter adds at once, F2 / F4 / F8 jump to
   search, payment and park. Everything works without it, as plain forms. */
(function () {
  "use strict";

  function debounce(fn, wait) {
    var timer;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, wait);
    };
  }

  function lookup(form) {
    var input = form.querySelector('input[name="code"]');
    var product = form.querySelector('input[name="product"]');
    var list = form.querySelector(".counter-lookup");
    if (!input || !list) { return; }
    var url = form.getAttribute("data-lookup");
    var options = [];
    var active = -1;
    var asked = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function add(index) {
      product.value = options[index].getAttribute("data-id");
      form.submit();
    }

    function render(data) {
      list.innerHTML = "";
      options = data.hits.map(function (hit, i) {
        var item = document.createElement("li");
        item.id = "lookup-option-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("data-id", hit.id);
        if (!hit.available) { item.className = "is-unavailable"; }
        var title = document.createElement("span");
        title.className = "counter-hit__title";
        title.textContent = hit.title;
        var meta = document.createElement("span");
        meta.className = "counter-hit__meta";
        meta.textContent = [hit.sku, hit.price ? money(parseFloat(hit.price), hit.currency) : ""].filter(Boolean).join(" · ");
        var stock = document.createElement("span");
        stock.className = "counter-hit__stock";
        stock.textContent = list.getAttribute("data-stock-label") ?
          list.getAttribute("data-stock-label").replace("{shelf}", hit.shelf).replace("{warehouses}", hit.warehouses) :
          hit.shelf + " / " + hit.warehouses;
        item.append(title, meta, stock);
        item.addEventListener("mousedown", function (event) { event.preventDefault(); add(i); });
        list.appendChild(item);
        return item;
      });
      list.hidden = options.length === 0;
      input.setAttribute("aria-expanded", options.length ? "true" : "false");
      choose(data.exact && options.length === 1 ? 0 : -1);
    }

    var ask = debounce(function () {
      var text = input.value.trim();
      if (text.length < 2) { close(); return; }
      asked = text;
      fetch(url + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data && input.value.trim() === asked) { render(data); }
        })
        .catch(function () { close(); });
    }, 150);

    input.addEventListener("input", function () { product.value = ""; ask(); });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && options.length) {
        event.preventDefault(); list.hidden = false; choose(Math.min(active + 1, options.length - 1));
      } else if (event.key === "ArrowUp" && options.length) {
        event.preventDefault(); choose(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault(); add(active);
      } else if (event.key === "Escape") {
        close();
      }
    });
  }

  function showWhen(form) {
    var radios = form.querySelectorAll('input[type="radio"]');
    function update() {
      var checked = form.querySelector('input[type="radio"]:checked');
      var value = checked ? checked.value : "";
      form.querySelectorAll("[data-when]").forEach(function (element) {
        element.hidden = element.getAttribute("data-when").split(" ").indexOf(value) === -1;
      });
      change(form);
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }

  function change(form) {
    var output = form.querySelector("[data-change]");
    var totalElement = document.querySelector("[data-total]");
    if (!output || !totalElement) { return; }
    var total = parseFloat(totalElement.getAttribute("data-total"));
    var method = form.querySelector('input[name="method"]:checked');
    var card = parseFloat((form.querySelector('input[name="card_amount"]') || {}).value || "0") || 0;
    var tendered = parseFloat((form.querySelector('input[name="cash_tendered"]') || {}).value || "");
    var due = method && method.value === "split" ? total - card : total;
    if (isNaN(tendered)) { output.textContent = "—"; return; }
    output.textContent = tendered >= due ? money(tendered - due) : "−" + money(due - tendered);
  }

  document.documentElement.classList.replace("no-js", "js");

  function money(value, currency) {
    return new Intl.NumberFormat(document.documentElement.lang || "fr", {
      style: "currency", currency: currency || "MAD"
    }).format(value);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function () { form.requestSubmit(); });
    });
    document.querySelectorAll("form[data-lookup]").forEach(lookup);
    document.querySelectorAll("form[data-fulfilment], form[data-payment]").forEach(showWhen);
    document.querySelectorAll("form[data-payment]").forEach(function (form) {
      form.addEventListener("input", function () { change(form); });
    });
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector('button[type="submit"]');
        // After the request has left: disabling first would drop the button's value.
        if (button) { setTimeout(function () { button.disabled = true; }, 0); }
      });
    });
    document.querySelectorAll("[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "F2") {
        var search = document.getElementById("id_code");
        if (search) { event.preventDefault(); search.focus(); search.select(); }
      } else if (event.key === "F4") {
        var pay = document.querySelector('form[data-payment] input[name="method"]:checked') ||
          document.querySelector('form[data-payment] input[name="method"]');
        if (pay) { event.preventDefault(); pay.focus(); pay.scrollIntoView({ block: "center" }); }
      } else if (event.key === "F8") {
        var park = document.querySelector('[data-shortcut="F8"]');
        if (park) { event.preventDefault(); park.click(); }
      }
    });
  });
})();
