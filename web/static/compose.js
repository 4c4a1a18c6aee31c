// The broadcast composer's live count: as the audience changes, ask the server how many people it reaches (the
// same audience service as the chat) and, when the course changes, which of its cohorts can be chosen. The page
// works without this script: its "count again" button posts the form back to the composer.
(() => {
  const form = document.querySelector("form[data-count-url]");
  if (!form) return;
  const out = document.getElementById("audience-count");
  const cohort = form.elements.namedItem("cohort");
  // A select belongs to the radio button below it: changing the select chooses that audience.
  const radioOf = { audience_topic: "topic", course_id: "course", cohort: "course", statuses: "course", audience_exam: "exam" };
  let asked = 0;
  form.addEventListener("change", async (event) => {
    const name = event.target.name;
    if (name === "text" || name === "attach") return;
    if (radioOf[name]) form.querySelector(`input[name=audience][value=${radioOf[name]}]`).checked = true;
    if (name === "course_id") cohort.value = "";
    const params = new URLSearchParams(new FormData(form));
    params.delete("text");
    params.delete("csrf");
    const mine = ++asked;
    const response = await fetch(`${form.dataset.countUrl}?${params}`, { headers: { Accept: "application/json" } });
    if (!response.ok || mine !== asked) return;  // a later change asked again: its answer wins
    const data = await response.json();
    out.textContent = data.text;
    if (name === "course_id") {
      cohort.replaceChildren(cohort.options[0], ...data.cohorts.map(([value, label]) => new Option(label, value)));
    }
  });
})();
