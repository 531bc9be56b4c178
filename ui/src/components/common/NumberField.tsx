import { createUniqueId } from "solid-js";

/** A short labelled whole-number field. The value stays text, as typed, so a form that
 * fails keeps exactly what the member wrote. */
export function NumberField(props: {
  label: string;
  testid: string;
  value: string;
  onInput: (value: string) => void;
  min?: number;
  max?: number;
}) {
  const id = createUniqueId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        data-testid={props.testid}
        class="short"
        type="number"
        inputmode="numeric"
        min={props.min}
        max={props.max}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </div>
  );
}
