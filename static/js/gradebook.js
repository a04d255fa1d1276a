// The gradebook grid: the scroll cue, and grades typed into the manual items' cells.
// Each cell is saved on its own (POST with the page's CSRF token) when it changes; Enter saves and moves
// down, Tab moves on as usual, Esc puts the saved value back; "Undo" restores the last saved change.
(function () {
  "use strict";

  var scroller = document.querySelector("[data-gb-scroll]");
  var cue = document.getElementById("gb-scroll-cue");
  function updateCue() {
    if (!scroller) { return; }
    var more = scroller.scrollLeft + scroller.clientWidth < scroller.scrollWidth - 2;
    scroller.classList.toggle("gb-more-right", more);
    scroller.classList.toggle("gb-more-left", scroller.scrollLeft > 2);
    if (cue) { cue.hidden = scroller.scrollWidth <= scroller.clientWidth + 2; }
  }
  if (scroller) {
    scroller.addEventListener("scroll", updateCue, { passive: true });
    window.addEventListener("resize", updateCue);
    updateCue();
  }

  var bar = document.getElementById("gb-grade-bar");
  if (!bar) { return; }
  var token = bar.querySelector("input[name=csrfmiddlewaretoken]").value;
  var base = bar.dataset.itemsUrl;
  var status = document.getElementById("gb-grade-status");
  var undo = document.getElementById("gb-grade-undo");
  var last = null; // {input, previous}

  function inputs() { return Array.prototype.slice.call(document.querySelectorAll(".gb-grade-input")); }

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("text-danger", !!isError);
  }

  // One save at a time, in the order typed: a quick Enter, Enter never races two writes (or an undo its save).
  var queue = Promise.resolve(true);
  // `previous` is what the cell held before this change (for "Undo"); null for the undo itself.
  function save(input, points, previous) {
    queue = queue.then(function () { return send(input, points, previous); });
    return queue;
  }

  function send(input, points, previous) {
    var data = new FormData();
    data.append("student", input.dataset.student);
    data.append("points", points);
    input.setAttribute("aria-busy", "true");
    return fetch(base + input.dataset.item + "/grades/", {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      input.removeAttribute("aria-busy");
      if (!result.ok) {
        input.classList.add("is-invalid");
        input.setAttribute("aria-invalid", "true");
        say(input.getAttribute("aria-label") + " — " + (result.body.error || ""), true);
        return false;
      }
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
      input.value = result.body.shown;
      input.dataset.saved = result.body.shown;
      var total = document.querySelector("[data-total-of='" + input.dataset.student + "']");
      var letter = document.querySelector("[data-letter-of='" + input.dataset.student + "']");
      if (total) { total.textContent = result.body.total; }
      if (letter) { letter.textContent = result.body.letter; }
      say(bar.dataset.savedLabel + " " + input.getAttribute("aria-label") + " = " + (result.body.shown || "—"));
      if (previous !== null) {
        last = { input: input, previous: previous };
        undo.hidden = false;
      }
      return true;
    }).catch(function () {
      input.removeAttribute("aria-busy");
      say(bar.dataset.offlineLabel, true);
      return false;
    });
  }

  // Enter, Tab and the blur that follows may each report the same change: it is sent once.
  function commit(input) {
    var value = input.value.trim();
    var current = input.dataset.pending !== undefined ? input.dataset.pending : (input.dataset.saved || "");
    if (value === current) { return Promise.resolve(true); }
    input.dataset.pending = value;
    return save(input, value, current).then(function (ok) {
      if (input.dataset.pending === value) { delete input.dataset.pending; }
      return ok;
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.classList && event.target.classList.contains("gb-grade-input")) { commit(event.target); }
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("gb-grade-input")) { return; }
    if (event.key === "Escape") {
      input.value = input.dataset.saved || "";
      input.classList.remove("is-invalid");
      return;
    }
    if (event.key === "Enter") {
      event.preventDefault();
      // The same column, next row (Shift+Enter: the row above).
      var column = inputs().filter(function (other) { return other.dataset.item === input.dataset.item; });
      var next = column[column.indexOf(input) + (event.shiftKey ? -1 : 1)];
      commit(input);
      if (next) { next.focus(); next.select(); }
    }
  });

  undo.addEventListener("click", function () {
    if (!last) { return; }
    var change = last;
    last = null;
    undo.hidden = true;
    save(change.input, change.previous, null).then(function (ok) { if (ok) { change.input.focus(); } });
  });
}());
