import { Match, Switch } from "solid-js";
import { BooksView } from "../components/books/BooksView";
import { EntryForm } from "../components/books/EntryForm";
import { BundlesView } from "../components/bundles/BundlesView";
import { ListingDetail } from "../components/market/ListingDetail";
import { ListingForm } from "../components/market/ListingForm";
import { MarketView } from "../components/market/MarketView";
import { MembersView } from "../components/members/MembersView";
import { PeersView } from "../components/peers/PeersView";
import { ProposalDetail } from "../components/proposals/ProposalDetail";
import { ProposalForm } from "../components/proposals/ProposalForm";
import { ProposalsView } from "../components/proposals/ProposalsView";
import { VerifyView } from "../components/reports/VerifyView";
import { SettingsView } from "../components/settings/SettingsView";
import { Welcome } from "../components/welcome/Welcome";
import { screen, type Screen } from "../lib/app/screen";

/** Narrows the current screen to one kind, for the routes that carry data. */
function when<N extends Screen["name"]>(name: N) {
  return () => {
    const s = screen();
    return s.name === name ? (s as Extract<Screen, { name: N }>) : false;
  };
}

/** One screen, one view: each route only picks the view and hands it the co-op. */
export function Routes(props: { coop: string }) {
  return (
    <Switch>
      <Match when={screen().name === "members"}>
        <MembersView coop={props.coop} />
      </Match>
      <Match when={screen().name === "proposals"}>
        <ProposalsView coop={props.coop} />
      </Match>
      <Match when={when("proposal")()} keyed>
        {(s) => <ProposalDetail coop={props.coop} id={s.id} />}
      </Match>
      <Match when={when("proposal-new")()} keyed>
        {(s) => <ProposalForm coop={props.coop} prefill={s.prefill} />}
      </Match>
      <Match when={screen().name === "market"}>
        <MarketView coop={props.coop} />
      </Match>
      <Match when={when("listing")()} keyed>
        {(s) => <ListingDetail coop={props.coop} id={s.id} />}
      </Match>
      <Match when={screen().name === "listing-new"}>
        <ListingForm coop={props.coop} />
      </Match>
      <Match when={when("listing-edit")()} keyed>
        {(s) => <ListingForm coop={props.coop} id={s.id} />}
      </Match>
      <Match when={screen().name === "books"}>
        <BooksView coop={props.coop} />
      </Match>
      <Match when={screen().name === "entry-new"}>
        <EntryForm coop={props.coop} />
      </Match>
      <Match when={screen().name === "peers"}>
        <PeersView coop={props.coop} />
      </Match>
      <Match when={screen().name === "bundles"}>
        <BundlesView coop={props.coop} />
      </Match>
      <Match when={screen().name === "verify"}>
        <VerifyView />
      </Match>
      <Match when={screen().name === "settings"}>
        <SettingsView coop={props.coop} />
      </Match>
      <Match when={screen().name === "add-coop"}>
        <Welcome />
      </Match>
    </Switch>
  );
}
