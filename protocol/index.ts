/**
 * The ticket protocol shared by firmware, simulator and back office. Pure
 * TypeScript that runs unchanged on the XS engine: no Node built-ins, no
 * global randomness, no eval. Platform services are passed in.
 */
export { ErrorCode, ProtocolError, isProtocolError } from './errors.js';
export { bytesToHex, hexToBytes, concatBytes, utf8ToBytes, utf8ToString, equalBytes, compareBytes } from './bytes.js';
export { encodeCbor, decodeCbor, intMap, Tag } from './cbor.js';
export { base45Encode, base45Decode } from './base45.js';
export { QR_PREFIX, QR_MAX_LENGTH, QR_MAX_TYPICAL_LENGTH, encodeQrText, decodeQrText } from './qr.js';

export { CoseAlg, SIGNATURE_LENGTH } from './crypto/algorithms.js';
export type { Verifier, Signer } from './crypto/verifier.js';
export { nobleVerifier, nobleSigner, es256SecretKeyFromSeed } from './crypto/noble.js';
export { createFastVerifier, type FastVerifier, type FastVerifierOptions } from './crypto/p256/fast-verifier.js';
export { KID_LENGTH, kidOf, p256PublicKey, sec1ToJwk, type EcJwk } from './crypto/keys.js';

export {
  COSE_SIGN1_TAG, CWT_TAG, HeaderLabel, decodeSign1, sigStructure, toBeSigned, verifySign1, verifyCoseSign1, signSign1,
  type Sign1, type SignOptions, type VerifyOptions,
} from './cose/sign1.js';

export { Product, PRODUCTS, PRODUCT_LABEL, PRODUCTS_TO_CHECK, IssuerMode, ISSUER_MODES } from './ticket/codes.js';
export {
  CwtKey, TRANSIT_CLAIM_KEY, TransitKey, decodeTicketClaims, encodeTicketClaims, normalizeTicket, isServiceDate,
  type TicketClaims, type TransitClaims, type TicketInput, type TransitInput,
} from './ticket/claims.js';
export { TICKET_HASH_LENGTH, ticketHash } from './ticket/hash.js';
export { maskName, keptIdCharacters, displayMaskedId, holderIdHash, holderIdMatches, ID_SALT_LENGTH, ID_KEY_LENGTH } from './ticket/realname.js';
export { decodeTicket, issueTicket, type DecodedTicket, type IssuedTicket } from './ticket/ticket.js';

export { DocumentType, DocKey, signDocument, openDocument, isNewerVersion, type DocumentHeader, type OpenOptions } from './config/document.js';
export { IssuerKey, findIssuer, openTrustList, signTrustList, type TrustedIssuer, type TrustList, type IssuerInput } from './config/trust.js';
export { DenyKey, DenyDeltaKey, DenyList, packHashes, signDenyList, openDenyList, signDenyDelta, openDenyDelta, applyDenyDelta, type DenyDelta } from './config/deny.js';
export { TripKey, readTrip, encodeTrip, signTripList, openTripList, type Trip, type TripList } from './config/trips.js';

export { Decision, Reason, REASONS, REASON_BY_ID, type ReasonInfo } from './validate/reasons.js';
export { OverrideReason, OVERRIDE_REASONS } from './validate/override.js';
export type { TicketUsage, UsageView } from './validate/usage.js';
export { VerifiedCache } from './validate/cache.js';
export {
  validate, DEFAULT_CLOCK_SKEW, DEFAULT_RESCAN_GRACE,
  type ValidationContext, type ValidationResult, type TicketSummary, type TicketFacts,
} from './validate/validate.js';

export {
  TOPIC_ROOT, ValidatorTopic, ConfigTopic, CONFIG_TOPICS, isTopicId, checkTopicId, validatorTopic, operatorConfigTopic,
  validatorConfigTopic, commandTopic, responseTopic, opsTopic, validatorSubscriptions, ingestSubscription, parseTopic, type ParsedTopic,
} from './sync/topics.js';
export {
  BATCH_FORMAT, MAX_BATCH_RECORDS, BatchKey, DECISION_CODE, encodeBoardingBatch, decodeBoardingBatch, type BoardingBatch,
} from './sync/boarding-batch.js';
export type { BoardingEntry, BoardingRecord } from './sync/boarding-record.js';
export { MAX_JSON_BYTES, encodeJson, decodeJsonObject, type JsonObject } from './sync/json.js';
export { encodeAck, decodeAck, type Ack } from './sync/ack.js';
export { encodeState, decodeState, type StateMessage } from './sync/state.js';
export { encodeTelemetry, decodeTelemetry, type Telemetry } from './sync/telemetry.js';
export {
  Command, COMMANDS, CommandError, MAX_REQ_ID, encodeCommand, decodeCommand, encodeResponse, decodeResponse,
  type CommandRequest, type CommandResponse,
} from './sync/command.js';
export { encodeConfigEvent, decodeConfigEvent, type ConfigEvent } from './sync/config-event.js';
