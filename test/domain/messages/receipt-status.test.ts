import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  detailedStatus,
  findReceiptCode,
  normaliseErrCode,
  RECEIPT_CODES,
  RECEIPT_STATS,
  receiptOutcome,
  RETRY_CODES,
  SUPPRESS_CODES,
} from '../../../src/domain/messages/receipt-status.js';

/** The source's table, code by code: state, French name, and the first words of the suggested action. */
const SOURCE: readonly [state: string, code: string, name: string, action: string][] = [
  ['DELIVERED', '000', 'LIVRÉ', 'Considérer le message livré et facturé'],
  ['ACCEPTED', '000', 'ACCEPTÉ', 'Vous ne recevrez pas un statut plus détaillé'],
  ['EXPIRED', '101', 'Nombre de Tentatives Épuisées', 'Réessayer plus tard'],
  ['EXPIRED', '102', 'Période de Validité Expiré', 'Réessayer plus tard'],
  ['EXPIRED', '103', "Arrêtée d'Attendre une Notification", 'À la discrétion du client'],
  ['UNDELIVERABLE', '104', 'Erreur de Configuration', 'Contact VuduMobile'],
  ['UNDELIVERABLE', '105', 'Erreur de Système', 'Contact VuduMobile'],
  ['UNDELIVERABLE', '200', 'Service non permis', 'Supprimer ce destinataire'],
  ['UNDELIVERABLE', '201', 'Compte fermé', 'Supprimer ce destinataire'],
  ['UNDELIVERABLE', '202', 'Non Facturable', 'Supprimer ce destinataire'],
  ['UNDELIVERABLE', '203', 'Temporairement Non Facturable', 'Réessayer plus tard'],
  ['UNDELIVERABLE', '204', 'Compte bloqué', 'Le destinataire devrait probablement'],
  ['UNDELIVERABLE', '205', 'Limite de dépenses atteint', "Cessez d'envoyer"],
  ['UNDELIVERABLE', '206', 'Erreur de système de facturation', 'À la discrétion du client'],
  ['UNDELIVERABLE', '250', 'Abonnement Existe Déjà', "Vous avez envoyé une demande d'abonnement"],
  ['UNDELIVERABLE', '251', "Abonnement n'Existe Pas", 'Vous devriez vérifier'],
  ['UNDELIVERABLE', '252', 'Abonnement Inactif', 'Vous devez supprimer cet utilisateur'],
  ['UNDELIVERABLE', '253', 'Facturation Précédente En Cours', 'Contact VuduMobile'],
  ['UNDELIVERABLE', '254', 'Duplicata de Demande de Renouvellement', 'Validez votre logique'],
  ['UNDELIVERABLE', '259', "Erreur d'Abonnement Divers", 'Vous pouvez retenter'],
  ['UNDELIVERABLE', '300', 'Non livrable', 'À la discrétion du client'],
  ['UNDELIVERABLE', '301', 'Longueur du Message Invalide', 'Corriger la longueur du message'],
  ['UNDELIVERABLE', '302', 'Numéro Source Invalide', 'Changer le numéro source'],
  ['UNDELIVERABLE', '303', 'Numéro de Destination Invalide', 'Supprimer ce destinataire'],
  ['UNDELIVERABLE', '304', 'Adresse de Destination Blacklisté', 'Supprimer ce destinataire'],
  ['UNDELIVERABLE', '305', 'Échec message Livraison', 'Réessayer plus tard'],
  ['EXPIRED', '306', 'EXPIRÉ', 'À la discrétion du client'],
  ['UNDELIVERABLE', '307', "Erreur de Système de l'Opérateur", 'À la discrétion du client'],
  ['UNKNOWN', '399', 'INCONNU', 'À la discrétion du client'],
];

describe('the receipt status table (contract §6)', () => {
  it('holds every row of the source, in its order, with name, description and action', () => {
    assert.deepEqual(
      RECEIPT_CODES.map((c) => [c.state, c.code]),
      SOURCE.map(([state, code]) => [state, code]),
    );
    for (const [state, code, name, action] of SOURCE) {
      const row = RECEIPT_CODES.find((c) => c.state === state && c.code === code);
      assert.ok(row, `${state} ${code}`);
      assert.equal(row.name, name);
      assert.ok(row.action.startsWith(action), `${code}: ${row.action}`);
      assert.ok(row.description.length > 10, `${code} has its description`);
    }
    assert.equal(findReceiptCode('UNDELIVERABLE', '300')?.name, 'Non livrable');
    assert.match(findReceiptCode('UNDELIVERABLE', '300')?.description ?? '', /combiné/);
  });

  it('derives the suppression and retry codes from the suggested actions', () => {
    assert.deepEqual([...SUPPRESS_CODES].sort(), ['200', '201', '202', '303', '304']);
    assert.deepEqual([...RETRY_CODES].sort(), ['101', '102', '203', '305']);
  });

  it('documents the stat values of the first table', () => {
    assert.deepEqual(Object.keys(RECEIPT_STATS).sort(), [
      'ACCEPTD',
      'DELIVRD',
      'EXPIRED',
      'UNDELIV',
      'UNKNOWN',
    ]);
  });

  it('reads a receipt’s stat as delivered, failed or still pending', () => {
    for (const stat of ['DELIVRD', 'ACCEPTD', 'delivrd'])
      assert.equal(receiptOutcome(stat), 'delivered', stat);
    for (const stat of ['EXPIRED', 'UNDELIV', 'UNKNOWN', 'REJECTD', 'DELETED'])
      assert.equal(receiptOutcome(stat), 'failed', stat);
    assert.equal(receiptOutcome('ENROUTE'), 'pending');
  });

  it('writes the detailed status as <stat>_<err> with a three-digit code', () => {
    assert.equal(detailedStatus('UNDELIV', '300'), 'UNDELIV_300');
    assert.equal(detailedStatus('delivrd', '0'), 'DELIVRD_000');
    assert.equal(detailedStatus('EXPIRED', ' 2 '), 'EXPIRED_002');
    assert.equal(normaliseErrCode(''), '000');
  });
});
