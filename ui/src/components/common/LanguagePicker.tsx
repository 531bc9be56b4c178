import { createUniqueId } from "solid-js";
import { lang, setLang, t, type Lang } from "../../i18n";

/** The window's language, chosen wherever a member first looks for it. */
export function LanguagePicker() {
  const id = createUniqueId();
  return (
    <div class="field">
      <label for={`${id}-lang`}>{t("settings.language_label")}</label>
      <select
        id={`${id}-lang`}
        data-testid="language"
        value={lang()}
        onChange={(e) => setLang(e.currentTarget.value as Lang)}
      >
        <option value="en" lang="en">
          English
        </option>
        <option value="ta" lang="ta">
          தமிழ்
        </option>
      </select>
    </div>
  );
}
