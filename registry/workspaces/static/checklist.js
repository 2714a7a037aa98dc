// The materials checklist of a repair form follows the files chosen (the form works without it).
document.querySelectorAll("form input[type=file]").forEach(function (input) {
  input.addEventListener("change", function () {
    var item = document.querySelector('#checklist li[data-kind="' + input.name + '"] .chosen');
    if (!item) { return; }
    item.textContent = input.files.length ? "已选择 " + input.files[0].name : "未选择";
    item.className = input.files.length ? "chosen badge good" : "chosen";
  });
});
