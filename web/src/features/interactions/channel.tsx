import type { InteractionChannel } from '../../api'
import { humanize } from '../../lib/format'
import { CalendarIcon, CarIcon, MailIcon, NoteIcon, PhoneIcon } from '../../ui/icons'

export const channelLabels: Record<InteractionChannel, string> = {
  call: 'Call',
  email: 'Email',
  visit: 'Visit',
  meeting: 'Meeting',
  note: 'Note',
}

export const channels: InteractionChannel[] = ['call', 'email', 'visit', 'meeting', 'note']

/** The API lists history with channel as plain text; anything unknown reads as humanized text. */
export function channelLabel(channel: string): string {
  const known = channels.find((c) => c === channel)
  return known ? channelLabels[known] : humanize(channel)
}

export function ChannelIcon({ channel, size = 14 }: { channel: string; size?: number }) {
  switch (channel) {
    case 'call':
      return <PhoneIcon size={size} />
    case 'email':
      return <MailIcon size={size} />
    case 'visit':
      return <CarIcon size={size} />
    case 'meeting':
      return <CalendarIcon size={size} />
    default:
      return <NoteIcon size={size} />
  }
}
