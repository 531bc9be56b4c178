import { createSignal } from "solid-js";
import { t } from "../../i18n";

/**
 * A file picker that speaks the member's language. The browser's own picker says "Choose
 * File" and "no file selected" in the system's language whatever the window's is, so the
 * native input is kept (the keyboard, screen readers and the end-to-end driver use it)
 * but visually hidden, and a button-styled label opens it, with the chosen file's name
 * beside it.
 */
export function FileInput(props: {
  id: string;
  testId: string;
  accept?: string;
  disabled?: boolean;
  onChange: (input: HTMLInputElement) => void;
}) {
  const [chosen, setChosen] = createSignal("");
  return (
    <div class="file-input">
      <input
        id={props.id}
        data-testid={props.testId}
        type="file"
        class="visually-hidden"
        accept={props.accept}
        disabled={props.disabled}
        onChange={(e) => {
          setChosen(e.currentTarget.files?.[0]?.name ?? "");
          props.onChange(e.currentTarget);
        }}
      />
      <label for={props.id} class="file-input-button">
        {t("file.choose")}
      </label>
      <span class="file-input-name">{chosen() || t("file.none")}</span>
    </div>
  );
}
