// Pictures in: drop or paste a picture on the page, see it, and read the prompt it carries at
// once (reading needs no LLM). Without JavaScript the file input and its buttons do the same.
(() => {
  let pending = null;

  function pictureInput() {
    return document.getElementById("image");
  }

  function say(text) {
    const hint = document.querySelector("[data-image-drop] .image-drop-hint");
    if (hint) hint.textContent = text;
  }

  function takeFile(file) {
    const input = pictureInput();
    if (!input || !file) return;
    const list = new DataTransfer();
    list.items.add(file);
    input.files = list.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.id !== "image") return;
    const file = input.files && input.files[0];
    const preview = input.closest("[data-image-drop]")?.querySelector(".image-preview");
    if (preview) preview.hidden = true;
    if (!file) return;
    const max = Number(input.dataset.maxBytes || Infinity);
    if (file.size > max) {
      const mb = (file.size / 1048576).toFixed(1);
      say(`That file is ${mb} MB; pictures may be at most ${max / 1048576} MB.`);
      input.value = "";
      return;
    }
    say(`${file.name || "Pasted picture"}: reading its prompt…`);
    if (preview && file.type.startsWith("image/")) {
      // The page's policy allows data: images, not blob: URLs.
      const reader = new FileReader();
      pending = reader;
      reader.onload = () => {
        if (pending !== reader) return;
        preview.src = String(reader.result);
        preview.alt = file.name || "The picture";
        preview.hidden = false;
      };
      reader.readAsDataURL(file);
    }
    document.getElementById("read-image")?.click();
  });

  document.addEventListener("dragover", (event) => {
    const box = event.target instanceof Element && event.target.closest("[data-image-drop]");
    if (!box || !event.dataTransfer?.types.includes("Files")) return;
    event.preventDefault();
    box.classList.add("dragover");
  });

  document.addEventListener("dragleave", (event) => {
    const box = event.target instanceof Element && event.target.closest("[data-image-drop]");
    if (box && !box.contains(event.relatedTarget)) box.classList.remove("dragover");
  });

  document.addEventListener("drop", (event) => {
    const box = event.target instanceof Element && event.target.closest("[data-image-drop]");
    if (!box) return;
    event.preventDefault();
    box.classList.remove("dragover");
    takeFile(event.dataTransfer?.files[0]);
  });

  // A pasted picture (a screenshot, an image copied in a browser) goes to the picture box;
  // pasted text still goes where it was pasted.
  document.addEventListener("paste", (event) => {
    const data = event.clipboardData;
    if (!pictureInput() || !data) return;
    const file = [...data.files].find((f) => f.type.startsWith("image/"));
    const typing = event.target instanceof HTMLElement &&
      /^(INPUT|TEXTAREA)$/.test(event.target.tagName);
    if (!file || (typing && data.types.includes("text/plain"))) return;
    event.preventDefault();
    takeFile(file);
  });

  // A picture's prompt fills the idea box as soon as it is read. (`htmx:load` fires on the new
  // panel; `htmx:afterSwap` fires on the replaced one, which has left the page.)
  document.addEventListener("htmx:load", (event) => {
    const panel = event.target;
    if (!(panel instanceof HTMLElement) || !panel.matches("#result.image-reading")) return;
    const idea = document.getElementById("input");
    if (idea && panel.dataset.fillInput) {
      idea.value = panel.dataset.fillInput;
      panel.removeAttribute("data-fill-input");
      say("Its prompt is in the idea box. Drop or paste another picture to replace it.");
    } else {
      say("Drop or paste another picture here, or describe this one as a prompt.");
    }
  });
})();
