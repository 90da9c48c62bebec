import { haversineKm } from '../lib/geo.ts'
import { customerH3Cells } from '../lib/h3.ts'
import { createRandom, type Random } from '../lib/random.ts'
import {
  companyStems,
  consentSources,
  contactTitles,
  firstNames,
  industries,
  industryNouns,
  interactionOutcomes,
  interactionSubjects,
  legalSuffixes,
  streetNames,
  streetSuffixes,
  surnames,
} from './vocabulary.ts'

/** Pure, deterministic generation of demo rows; seed.ts writes them. */

export type PlaceInput = { lng: number; lat: number; population: number; state: string }
export type ZipInput = { zip: string; city: string; state: string; lng: number; lat: number }
export type RepInput = { id: number; lng: number; lat: number }

export type CustomerRow = {
  id: number
  externalId: string
  name: string
  industry: string
  segment: 'enterprise' | 'mid_market' | 'smb'
  status: 'prospect' | 'active' | 'churned'
  address: string
  zip: string | null
  city: string | null
  state: string
  lng: number
  lat: number
  h3R3: string
  h3R5: string
  h3R7: string
  h3R9: string
  ownerId: number | null
  consent: { channel: 'email' | 'phone' | 'mail'; granted: boolean; at: string | null; source: string | null }[]
  revenue12mCents: number
  lastContactAt: string | null
  createdAt: string
}
export type ContactRow = {
  id: number
  customerId: number
  firstName: string
  lastName: string
  title: string
  email: string
  phone: string
}
export type OrderRow = { customerId: number; orderedOn: string; amountCents: number }
export type InteractionRow = {
  customerId: number
  contactId: number | null
  userId: number | null
  channel: keyof typeof interactionSubjects
  direction: 'inbound' | 'outbound'
  occurredAt: string
  subject: string
  notes: string | null
  outcome: string
}
export type DemoBatch = {
  customers: CustomerRow[]
  contacts: ContactRow[]
  orders: OrderRow[]
  interactions: InteractionRow[]
}

const dayMs = 86_400_000
const historyDays = 3 * 365

/** Finds the nearest ZIP centroid with a 0.5° grid; good enough to address demo customers. */
export function createZipIndex(zips: ZipInput[]): (lng: number, lat: number) => ZipInput | null {
  const cell = 0.5
  const grid = new Map<string, ZipInput[]>()
  const key = (x: number, y: number) => `${x}:${y}`
  for (const zip of zips) {
    const k = key(Math.floor(zip.lng / cell), Math.floor(zip.lat / cell))
    const bucket = grid.get(k)
    if (bucket) bucket.push(zip)
    else grid.set(k, [zip])
  }
  return (lng, lat) => {
    const cx = Math.floor(lng / cell)
    const cy = Math.floor(lat / cell)
    for (let ring = 1; ring <= 6; ring++) {
      let best: ZipInput | null = null
      let bestD = Number.POSITIVE_INFINITY
      for (let dx = -ring; dx <= ring; dx++) {
        for (let dy = -ring; dy <= ring; dy++) {
          for (const zip of grid.get(key(cx + dx, cy + dy)) ?? []) {
            const d = (zip.lng - lng) ** 2 + (zip.lat - lat) ** 2
            if (d < bestD) {
              bestD = d
              best = zip
            }
          }
        }
      }
      if (best) return best
    }
    return null
  }
}

function createPlacePicker(places: PlaceInput[], random: Random): () => PlaceInput {
  const cumulative: number[] = []
  let total = 0
  for (const place of places) {
    total += place.population
    cumulative.push(total)
  }
  return () => {
    const target = random.next() * total
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((cumulative[mid] ?? 0) < target) lo = mid + 1
      else hi = mid
    }
    const place = places[lo]
    if (!place) throw new Error('no places to place customers around')
    return place
  }
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '')
}

export type GenerateOptions = {
  seed: number
  customers: number
  places: PlaceInput[]
  zips: ZipInput[]
  reps: RepInput[]
  now: Date
  batchSize?: number
}

export function* generateDemoBatches(options: GenerateOptions): Generator<DemoBatch> {
  const random = createRandom(options.seed)
  const pickPlace = createPlacePicker(options.places, random)
  const nearestZip = createZipIndex(options.zips)
  const nowMs = options.now.getTime()
  const batchSize = options.batchSize ?? 5000
  let contactId = 0
  let batch: DemoBatch = { customers: [], contacts: [], orders: [], interactions: [] }

  for (let id = 1; id <= options.customers; id++) {
    const place = pickPlace()
    // Spread around the place: bigger cities sprawl further.
    const sigmaKm = 1.5 + Math.sqrt(place.population) / 180
    const dLat = (random.normal() * sigmaKm) / 111.32
    const dLng = (random.normal() * sigmaKm) / (111.32 * Math.cos((place.lat * Math.PI) / 180))
    const lng = Math.round((place.lng + dLng) * 1e6) / 1e6
    const lat = Math.round((place.lat + dLat) * 1e6) / 1e6
    const industry = random.pick(industries)
    const segmentRoll = random.next()
    const segment = segmentRoll < 0.06 ? 'enterprise' : segmentRoll < 0.3 ? 'mid_market' : 'smb'
    const statusRoll = random.next()
    const status = statusRoll < 0.55 ? 'active' : statusRoll < 0.85 ? 'prospect' : 'churned'
    const stem = random.chance(0.35) ? random.pick(surnames) : random.pick(companyStems)
    const noun = random.pick(industryNouns[industry])
    const name = `${stem} ${noun} ${random.pick(legalSuffixes)}`.trim()
    const zip = nearestZip(lng, lat)

    let ownerId: number | null = null
    if (status !== 'prospect' || random.chance(0.8)) {
      let bestD = Number.POSITIVE_INFINITY
      for (const rep of options.reps) {
        const d = haversineKm([lng, lat], [rep.lng, rep.lat])
        if (d < bestD) {
          bestD = d
          ownerId = rep.id
        }
      }
    }

    const createdMs = nowMs - random.int(30, historyDays + 400) * dayMs
    const consent = (['email', 'phone', 'mail'] as const).map((channel) => {
      const granted = random.chance(channel === 'email' ? 0.6 : channel === 'phone' ? 0.4 : 0.7)
      return {
        channel,
        granted,
        at: granted ? new Date(createdMs + random.int(0, 300) * dayMs).toISOString() : null,
        source: granted ? random.pick(consentSources) : null,
      }
    })

    const contactIds: number[] = []
    const domain = `${slug(stem)}${slug(noun)}.example`
    for (let c = random.int(1, 3); c > 0; c--) {
      contactId++
      const firstName = random.pick(firstNames)
      const lastName = random.pick(surnames)
      contactIds.push(contactId)
      batch.contacts.push({
        id: contactId,
        customerId: id,
        firstName,
        lastName,
        title: random.pick(contactTitles),
        email: `${slug(firstName)}.${slug(lastName)}@${domain}`,
        phone: `+1 ${random.int(201, 989)}-555-${String(random.int(0, 9999)).padStart(4, '0')}`,
      })
    }

    // Orders: active customers order through today, churned ones stopped 6-30 months ago.
    let revenue12mCents = 0
    if (status !== 'prospect') {
      const ordersPerMonth = segment === 'enterprise' ? 2 : segment === 'mid_market' ? 0.9 : 0.35
      const typical = segment === 'enterprise' ? 1_800_000 : segment === 'mid_market' ? 420_000 : 65_000
      const startMs = Math.max(createdMs, nowMs - historyDays * dayMs)
      const endMs = status === 'churned' ? nowMs - random.int(180, 900) * dayMs : nowMs
      const meanGapDays = 30 / ordersPerMonth
      for (
        let t = startMs + random.next() * meanGapDays * dayMs;
        t < endMs;
        t += -Math.log(Math.max(random.next(), 1e-9)) * meanGapDays * dayMs
      ) {
        const amountCents = Math.round(typical * Math.exp(random.normal() * 0.5))
        batch.orders.push({ customerId: id, orderedOn: isoDay(t), amountCents })
        if (t > nowMs - 365 * dayMs) revenue12mCents += amountCents
      }
    }

    // Contact history: more for bigger and active accounts.
    let lastContactMs = 0
    const interactionCount = random.int(1, status === 'active' ? 10 : 5) + (segment === 'enterprise' ? 4 : 0)
    for (let n = 0; n < interactionCount; n++) {
      const channel = random.pick(['call', 'call', 'email', 'email', 'visit', 'meeting', 'note'] as const)
      const occurredMs =
        nowMs -
        random.int(1, Math.min(historyDays, Math.round((nowMs - createdMs) / dayMs))) * dayMs +
        random.int(8, 17) * 3_600_000
      lastContactMs = Math.max(lastContactMs, occurredMs)
      batch.interactions.push({
        customerId: id,
        contactId: channel === 'note' ? null : random.pick(contactIds),
        userId: ownerId,
        channel,
        direction: channel === 'note' || channel === 'visit' ? 'outbound' : random.chance(0.7) ? 'outbound' : 'inbound',
        occurredAt: new Date(occurredMs).toISOString(),
        subject: random.pick(interactionSubjects[channel]),
        notes: random.chance(0.5)
          ? `Spoke about ${random.pick(['pricing', 'delivery times', 'the new catalogue', 'service levels', 'next quarter'])}.`
          : null,
        outcome: random.pick(interactionOutcomes),
      })
    }

    batch.customers.push({
      id,
      externalId: `CUS-${String(id).padStart(7, '0')}`,
      name,
      industry,
      segment,
      status,
      address: `${random.int(1, 9899)} ${random.pick(streetNames)} ${random.pick(streetSuffixes)}`,
      zip: zip?.zip ?? null,
      city: zip?.city ?? null,
      state: zip?.state ?? place.state,
      lng,
      lat,
      ...customerH3Cells(lng, lat),
      ownerId,
      consent,
      revenue12mCents,
      lastContactAt: lastContactMs > 0 ? new Date(lastContactMs).toISOString() : null,
      createdAt: new Date(createdMs).toISOString(),
    })

    if (batch.customers.length >= batchSize) {
      yield batch
      batch = { customers: [], contacts: [], orders: [], interactions: [] }
    }
  }
  if (batch.customers.length > 0) yield batch
}
