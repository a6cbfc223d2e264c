import { afterAll, describe, expect, it } from 'vitest';
import { loadCardProfile } from '../../fixtures/cards/index.js';
import { connectorClient, conformanceTarget, placedCards } from '../support/target.js';

const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());

interface ReaderEntry {
  id: string;
  name: string;
  pinpad: boolean;
  card?: { atr: string; description?: string[]; modules?: string[] };
}

describe(`core [${target.backend}]`, () => {
  it('GET /info answers unwrapped with a version the SDK gates on (≥ 3.6.0) and a non-PROXY device type', async () => {
    const res = await api.get<{ t1CInfoAPI: { version: string; service: { deviceType: string }; modules: string[]; jwtEnabled: boolean } }>('/info');
    expect(res.status).toBe(200);
    const [major, minor] = res.body.t1CInfoAPI.version.split('.').map(Number);
    expect(major! > 3 || (major === 3 && minor! >= 6)).toBe(true);
    expect(res.body.t1CInfoAPI.service.deviceType).not.toBe('PROXY');
    expect(res.body.t1CInfoAPI.modules).toContain('beid');
    expect(typeof res.body.t1CInfoAPI.jwtEnabled).toBe('boolean');
  });

  it('GET /device-key returns an RSA public key', async () => {
    const res = await api.get<{ success: boolean; data: string }>('/device-key');
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.data.length).toBeGreaterThan(300);
  });

  const cards = placedCards(target);
  it.each(cards.map((c) => [c.profile, c] as const))('lists the reader holding %s with its ATR and module', async (_profile, placed) => {
    const res = await api.get<{ success: boolean; data: ReaderEntry[] }>('/v3/readers');
    expect(res.status).toBe(200);
    const reader = res.body.data.find((r) => r.id === placed.reader.id);
    expect(reader?.name).toBe(placed.reader.name);
    expect(reader?.card?.atr).toBe(placed.atr);
    const module = loadCardProfile(placed.profile).module;
    expect(reader?.card?.modules).toEqual(module ? [module] : []);
    const one = await api.get<{ success: boolean; data: ReaderEntry }>(`/v3/readers/${placed.reader.id}`);
    expect(one.status).toBe(200);
    expect(one.body.data.card?.atr).toBe(placed.atr);
  });

  it('filters readers with and without a card, and by excluded name', async () => {
    const all = await api.get<{ data: ReaderEntry[] }>('/v3/readers');
    const withCard = await api.get<{ data: ReaderEntry[] }>('/v3/readers?cardInserted=true');
    const without = await api.get<{ data: ReaderEntry[] }>('/v3/readers?cardInserted=false');
    expect(withCard.body.data.every((r) => r.card !== undefined)).toBe(true);
    expect(without.body.data.every((r) => r.card === undefined)).toBe(true);
    expect(withCard.body.data.length + without.body.data.length).toBe(all.body.data.length);
    const first = all.body.data[0]!;
    const excluded = await api.get<{ data: ReaderEntry[] }>(`/v3/readers?cardInserted=true&excluded=${encodeURIComponent(first.name)}`);
    expect(excluded.body.data.some((r) => r.id === first.id)).toBe(false);
  });

  it('answers an unknown reader with a JSON reader error, never 404', async () => {
    const res = await api.get<{ success: boolean; code: number; description: string }>('/v3/readers/00000000deadbeef');
    expect(res.status).not.toBe(404);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.success).toBe(false);
    expect(String(res.body.code)).toMatch(/^\d{6}$/);
  });

  it('lists the ATRs it knows in /atrs', async () => {
    const res = await api.get<{ data: { atr: string; module: string }[] }>('/atrs');
    expect(res.status).toBe(200);
    for (const placed of cards) {
      const module = loadCardProfile(placed.profile).module;
      if (module) expect(res.body.data.some((a) => a.module === module)).toBe(true);
    }
  });
});
