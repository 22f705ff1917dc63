// The rubric's "N of M scored" follows the scores as the assessor chooses them. Without
// JavaScript the server counts them each time the draft is saved; nothing else depends on this.
document.addEventListener("DOMContentLoaded", () => {
  const table = document.getElementById("rubric-table");
  const count = document.querySelector("#rubric-progress strong");
  if (!table || !count) return;
  const scores = Array.from(table.querySelectorAll('td[data-label="Score"] fieldset'));
  table.addEventListener("change", () => {
    const scored = scores.filter((fieldset) => fieldset.querySelector("input[type=radio]:checked")).length;
    count.textContent = `${scored} of ${scores.length} scored`;
  });
});
