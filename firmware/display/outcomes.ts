/**
 * What a validation result looks like to the passenger and the driver: the
 * feedback tone and the screen's result block. Only what the ticket itself
 * shows the driver goes on screen: masked name and ID, product, seat, stops.
 */
import { Decision } from '../../protocol/validate/reasons.js';
import type { ValidationResult } from '../../protocol/validate/validate.js';
import { Tone } from '../feedback/feedback.js';
import type { Outcome } from './screens.js';
import type { Language } from './text-display.js';
import { TEXT } from './texts.js';

export interface Shown {
  readonly tone: Tone;
  readonly outcome: Outcome;
}

export function ticketDetails(result: ValidationResult, language: Language): string[] {
  const s = result.summary;
  if (!s) return [];
  const who = [s.holderName, s.holderId].filter((x) => x !== undefined).join(' ');
  const what = [
    s.productLabel[language],
    s.passengers > 1 ? `x${s.passengers}` : undefined,
    s.seat,
    s.origin !== undefined && s.destination !== undefined ? `${s.origin}→${s.destination}` : undefined,
  ].filter((x) => x !== undefined).join(' ');
  return who ? [who, what] : [what];
}

export function boardingOutcome(result: ValidationResult, language: Language): Shown {
  const tone = result.decision === Decision.ACCEPT ? Tone.ACCEPT : result.decision === Decision.REPEAT ? Tone.REPEAT : Tone.REJECT;
  return { tone, outcome: { tone, title: result.text, details: ticketDetails(result, language) } };
}

/** Inspection: a valid ticket is green only if it was scanned when boarding this trip. */
export function inspectionOutcome(result: ValidationResult, boardedHere: boolean, language: Language): Shown {
  if (result.decision !== Decision.ACCEPT) return boardingOutcome(result, language);
  const tone = boardedHere ? Tone.ACCEPT : Tone.WARNING;
  return {
    tone,
    outcome: { tone, title: boardedHere ? TEXT.boardedHere : TEXT.notBoardedHere, details: [result.text[language], ...ticketDetails(result, language)] },
  };
}
