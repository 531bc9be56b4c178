// The proposal templates' words in Tamil, by template id. Sangam's core ships the
// templates with English words (the CLI prints them); the window shows these instead
// when the member reads Tamil, and the English otherwise.
import type { TemplateDto } from "../lib/ipc";
import { lang } from ".";

type Words = Pick<TemplateDto, "name" | "purpose" | "title" | "questions">;

const ta: Record<string, Words> = {
  advice: {
    name: "ஆலோசனை",
    purpose: "பாதிக்கப்படுவோரிடமும் அறிந்தோரிடமும் கேட்ட பிறகு நீங்களே முடிவெடுப்பீர்கள்",
    title: "ஆலோசனை: ",
    questions: ["நான் எடுக்க எண்ணும் முடிவு", "இது யாரைப் பாதிக்கும், யாருக்கு இதைப் பற்றி அதிகம் தெரியும்", "நான் கேட்கும் ஆலோசனை"],
  },
  consent: {
    name: "இசைவு",
    purpose: "காரணத்துடன் யாரும் மறுக்காவிட்டால் தொடரலாம்",
    title: "",
    questions: ["முன்மொழிவு", "ஏன் இப்போது", "எதுவும் செய்யாவிட்டால் என்ன ஆகும்"],
  },
  consensus: {
    name: "ஒருமித்த கருத்து",
    purpose: "பதிலளிக்கும் அனைவரும் ஏற்கிறார்கள்; ஒரு தடை இதை நிறுத்தும்",
    title: "",
    questions: ["முன்மொழிவு", "இதுவரை கேட்ட கவலைகள், அவற்றுக்கு இதன் பதில்", "எப்போது, எப்படி மறுபரிசீலனை செய்வோம்"],
  },
  question_round: {
    name: "கேள்விச் சுற்று",
    purpose: "எதையும் முன்மொழிவதற்கு முன் அனைவரின் நிலைப்பாட்டைக் கேளுங்கள்",
    title: "கேள்வி: ",
    questions: ["கேள்வி", "ஒவ்வொரு தேர்வின் பொருள்"],
  },
  election: {
    name: "தேர்தல்",
    purpose: "மாற்றத்தக்க ஒற்றை வாக்கால் இடங்களை நிரப்புங்கள்",
    title: "தேர்தல்: ",
    questions: ["பொறுப்பும் அதன் பதவிக்காலமும்", "பொறுப்பில் என்ன அடங்கும்", "வேட்பாளர்கள் எப்படி முன்வந்தனர்"],
  },
  client_project: {
    name: "ஒரு வாடிக்கையாளர் திட்டத்தை ஏற்பது",
    purpose: "பத்துக் கேள்விகளால் ஒரு வாடிக்கையாளர் திட்டத்தை முடிவு செய்யுங்கள்",
    title: "வாடிக்கையாளர் திட்டம்: ",
    questions: [
      "வாடிக்கையாளர் யார்?",
      "அவர்களின் தேவைகள் என்ன?",
      "இந்தத் திட்டம் கூட்டுறவின் விழுமியங்களுக்குத் தீங்கு செய்யுமா?",
      "இது முற்றிலும் தொழில்நுட்ப ஆட்சி சார்ந்ததா?",
      "அறிவியலுக்கு எதிரான தேவைகள் இதில் உள்ளனவா?",
      "கட்டற்ற மென்பொருள், கட்டற்ற வன்பொருள், திறந்த தரவு அனுமதிக்கப்படுமா?",
      "இது பங்குதாரர்களை எப்படிப் பாதிக்கும்?",
      "இதன் சமூக-பொருளாதார தாக்கம் என்ன, இது பின்தங்கிய சமூகங்களுக்கு வலுவூட்டுமா?",
      "குறைந்த ஊதியம் என்றால், இது எங்கள் பணித்தொகுப்புக்குத் தகுதியானதா?",
      "இதற்கு என்ன நேரம், வளங்கள், திறன்கள் தேவை?",
    ],
  },
};

/** A template's words in the member's language. */
export function templateWords(template: TemplateDto): Words {
  // A co-op's own template is shown as the member who added it wrote it.
  return (lang() === "ta" && template.by === null ? ta[template.id] : undefined) ?? template;
}

/** Each `## ` heading of a proposal's text with the answer below it (as core's
 * `answers_in` reads it); text before the first heading has an empty question. */
export function answersIn(text: string): { question: string; answer: string }[] {
  const out: { question: string; answer: string }[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("## ")) out.push({ question: line.slice(3).trim(), answer: "" });
    else {
      if (out.length === 0) out.push({ question: "", answer: "" });
      out[out.length - 1]!.answer += `${line}\n`;
    }
  }
  return out
    .map((qa) => ({ question: qa.question, answer: qa.answer.trim() }))
    .filter((qa) => qa.question !== "" || qa.answer !== "");
}

/** A proposal's text from the questions and answers: each question a `## ` heading. */
export function textFromAnswers(questions: string[], answers: string[]): string {
  return questions.map((q, i) => `## ${q}\n\n${(answers[i] ?? "").trim()}\n`).join("\n");
}
