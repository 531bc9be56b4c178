import { createResource, createSignal, createUniqueId, Show } from "solid-js";
import { t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { go } from "../../lib/app/screen";
import * as ipc from "../../lib/ipc";
import type { ListingKind } from "../../lib/ipc";
import { FormError } from "../common/FormError";

/** Posting a listing, or revising one's own (its whole text again). */
export function ListingForm(props: { coop: string; id?: string }) {
  const uid = createUniqueId();
  const [kind, setKind] = createSignal<ListingKind>("offer");
  const [title, setTitle] = createSignal("");
  const [description, setDescription] = createSignal("");
  const [category, setCategory] = createSignal("");
  const [price, setPrice] = createSignal("");
  const [quantity, setQuantity] = createSignal("");
  const [location, setLocation] = createSignal("");
  const action = createAction();

  // A revision starts from the listing as it is.
  createResource(
    () => props.id,
    async (id) => {
      const l = (await ipc.listing(props.coop, id)).listing;
      setKind(l.kind);
      setTitle(l.title);
      setDescription(l.description);
      setCategory(l.category ?? "");
      setPrice(l.price ?? "");
      setQuantity(l.quantity === null ? "" : String(l.quantity));
      setLocation(l.location ?? "");
      return l;
    },
  );

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const q = quantity().trim();
    if (q !== "" && !/^\d+$/.test(q)) {
      action.setError(t("common.not_a_number", { field: t("listing.quantity") }));
      return;
    }
    const blank = (s: string) => (s.trim() === "" ? null : s.trim());
    const draft = {
      kind: kind(),
      title: title(),
      description: description(),
      category: blank(category()),
      price: kind() === "gift" ? null : blank(price()),
      quantity: q === "" ? null : Number(q),
      location: blank(location()),
      expires_at: null,
    };
    void action.run(async () => {
      const dto = props.id
        ? await ipc.reviseListing(props.coop, props.id, draft)
        : await ipc.postListing(props.coop, draft);
      go({ name: "listing", id: dto.listing.id });
    });
  };

  const field = (key: "title" | "category" | "price" | "location" | "quantity", value: () => string, set: (v: string) => void) => (
    <div class="field">
      <label for={`${uid}-${key}`}>{t(`listing.${key}`)}</label>
      <input id={`${uid}-${key}`} data-testid={`listing-${key}`} value={value()} onInput={(e) => set(e.currentTarget.value)} />
    </div>
  );

  return (
    <div class="view">
      <button type="button" class="link back" onClick={() => go(props.id ? { name: "listing", id: props.id } : { name: "market" })}>
        ← {t("common.back")}
      </button>
      <h1 tabindex="-1">{props.id ? t("listing.revise_title") : t("listing.new_title")}</h1>
      <form onSubmit={submit} novalidate class="card">
        <div class="field">
          <label for={`${uid}-kind`}>{t("market.kind")}</label>
          <select id={`${uid}-kind`} data-testid="listing-kind" onChange={(e) => setKind(e.currentTarget.value as ListingKind)}>
            <option value="offer" selected={kind() === "offer"}>{t("market.kind_offer")}</option>
            <option value="want" selected={kind() === "want"}>{t("market.kind_want")}</option>
            <option value="gift" selected={kind() === "gift"}>{t("market.kind_gift")}</option>
          </select>
        </div>
        {field("title", title, setTitle)}
        <div class="field">
          <label for={`${uid}-description`}>{t("listing.description")}</label>
          <textarea
            id={`${uid}-description`}
            data-testid="listing-description"
            rows="5"
            value={description()}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
        </div>
        {field("category", category, setCategory)}
        <Show when={kind() !== "gift"}>{field("price", price, setPrice)}</Show>
        {field("quantity", quantity, setQuantity)}
        {field("location", location, setLocation)}
        <FormError error={action.error()} />
        <button type="submit" class="primary" data-testid="listing-submit" disabled={action.busy()}>
          {props.id ? t("listing.save") : t("listing.publish")}
        </button>
      </form>
    </div>
  );
}
