/* Header menu and listing filters on small screens: drawers and drop-downs.
 * Without this script the drawers open through :target (the toggles are links
 * to them) and the drop-downs are plain <details>. With it, a toggle is a
 * button with aria-expanded, the open drawer keeps focus inside itself, Escape
 * or a click beside it closes it and focus goes back to the toggle. */
(function () {
  "use strict";

  var FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), " +
    "select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

  function visible(el) {
    return el.offsetParent !== null || getComputedStyle(el).position === "fixed";
  }

  function isDrawer(drawer) {
    // On a wide screen the same markup is laid out in the page, not as a drawer.
    return getComputedStyle(drawer).getPropertyValue("--drawer").trim() === "1";
  }

  var openDrawer = null;
  var openToggle = null;

  function close() {
    if (!openDrawer) return;
    var toggle = openToggle;
    openDrawer.classList.remove("is-open");
    openDrawer.removeAttribute("role");
    openDrawer.removeAttribute("aria-modal");
    document.documentElement.classList.remove("has-drawer");
    toggle.setAttribute("aria-expanded", "false");
    openDrawer = null;
    openToggle = null;
    if (location.hash && document.querySelector(location.hash + "[data-drawer]")) {
      history.replaceState(null, "", location.pathname + location.search);
    }
    toggle.focus();
  }

  function open(toggle, drawer) {
    if (openDrawer) close();
    openDrawer = drawer;
    openToggle = toggle;
    drawer.classList.add("is-open");
    drawer.setAttribute("role", "dialog");
    drawer.setAttribute("aria-modal", "true");
    if (!drawer.hasAttribute("aria-label")) {
      drawer.setAttribute("aria-label", toggle.textContent.trim());
    }
    document.documentElement.classList.add("has-drawer");
    toggle.setAttribute("aria-expanded", "true");
    var first = [].filter.call(drawer.querySelectorAll(FOCUSABLE), visible)[0];
    (first || drawer).focus();
  }

  function setupToggle(toggle) {
    var drawer = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!drawer) return;
    toggle.setAttribute("role", "button");
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", function (event) {
      if (!isDrawer(drawer)) return;
      event.preventDefault();
      if (openDrawer === drawer) close(); else open(toggle, drawer);
    });
    toggle.addEventListener("keydown", function (event) {
      if (event.key === " ") { event.preventDefault(); toggle.click(); }
    });
    [].forEach.call(drawer.querySelectorAll("[data-drawer-close]"), function (button) {
      button.setAttribute("role", "button");
      button.addEventListener("click", function (event) {
        if (openDrawer !== drawer) return;
        event.preventDefault();
        close();
      });
    });
  }

  function closeDropdowns(except) {
    [].forEach.call(document.querySelectorAll("[data-menu-dropdown][open]"), function (d) {
      if (d !== except && !(openDrawer && openDrawer.contains(d))) d.open = false;
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var dropdown = event.target.closest && event.target.closest("[data-menu-dropdown][open]");
      // In the drawer the drop-downs are sections: Escape closes the drawer.
      if (dropdown && !(openDrawer && openDrawer.contains(dropdown))) {
        dropdown.open = false;
        dropdown.querySelector("summary").focus();
        return;
      }
      if (openDrawer) close();
      return;
    }
    if (event.key === "Tab" && openDrawer) {
      var items = [].filter.call(openDrawer.querySelectorAll(FOCUSABLE), visible);
      if (!items.length) return;
      var first = items[0];
      var last = items[items.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault(); last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault(); first.focus();
      } else if (!openDrawer.contains(document.activeElement)) {
        event.preventDefault(); first.focus();
      }
    }
  });

  document.addEventListener("click", function (event) {
    if (openDrawer && !openDrawer.contains(event.target) && !openToggle.contains(event.target)) {
      close();
    }
    var inside = event.target.closest && event.target.closest("[data-menu-dropdown]");
    closeDropdowns(inside);
  });

  // One drop-down open at a time; leaving the menu with Tab closes it.
  document.addEventListener("toggle", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-menu-dropdown]") && target.open) {
      closeDropdowns(target);
    }
  }, true);
  document.addEventListener("focusin", function (event) {
    var inside = event.target.closest && event.target.closest("[data-menu-dropdown]");
    closeDropdowns(inside);
  });

  function init() {
    document.documentElement.classList.remove("no-js");
    document.documentElement.classList.add("js");
    [].forEach.call(document.querySelectorAll("[data-drawer-toggle]"), setupToggle);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
