import { type KeyboardEvent, type ReactNode, useEffect, useLayoutEffect, useRef, useState } from 'react'
import { useEscape } from '../lib/use-escape'

export type ContextMenuItem = {
  label: string
  icon?: ReactNode
  testId?: string
  onSelect: () => void
}

type ContextMenuProps = {
  x: number
  y: number
  title?: string
  items: ContextMenuItem[]
  onClose: () => void
}

/** A small menu at a map point. Esc, a click elsewhere or a choice closes it. */
export function ContextMenu({ x, y, title, items, onClose }: ContextMenuProps) {
  const menuRef = useRef<HTMLDivElement>(null)
  const [position, setPosition] = useState({ left: x, top: y })
  useEscape(onClose, true, true)

  // Open towards the inside of the map near its right/bottom edges.
  useLayoutEffect(() => {
    const menu = menuRef.current
    const parent = menu?.offsetParent
    if (!menu || !(parent instanceof HTMLElement)) return
    const left = x + menu.offsetWidth > parent.clientWidth ? Math.max(0, x - menu.offsetWidth) : x
    const top = y + menu.offsetHeight > parent.clientHeight ? Math.max(0, y - menu.offsetHeight) : y
    setPosition({ left, top })
  }, [x, y])

  useEffect(() => {
    menuRef.current?.querySelector<HTMLButtonElement>('button')?.focus()
    const onPointerDown = (event: PointerEvent) => {
      if (event.target instanceof Node && menuRef.current?.contains(event.target)) return
      onClose()
    }
    window.addEventListener('pointerdown', onPointerDown, true)
    return () => window.removeEventListener('pointerdown', onPointerDown, true)
  }, [onClose])

  // Arrow keys, Home and End move between items, as in any menu.
  const moveFocus = (event: KeyboardEvent<HTMLDivElement>) => {
    const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button')]
    const current = buttons.indexOf(document.activeElement as HTMLButtonElement)
    const last = buttons.length - 1
    const next =
      event.key === 'ArrowDown'
        ? current >= last
          ? 0
          : current + 1
        : event.key === 'ArrowUp'
          ? current <= 0
            ? last
            : current - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null
    if (next === null) return
    event.preventDefault()
    buttons[next]?.focus()
  }

  return (
    <div
      className="context-menu"
      ref={menuRef}
      role="menu"
      aria-label={title ?? 'Map actions'}
      style={position}
      onKeyDown={moveFocus}
    >
      {title ? <p className="context-menu-title">{title}</p> : null}
      {items.map((item) => (
        <button
          key={item.label}
          type="button"
          role="menuitem"
          className="context-menu-item"
          data-testid={item.testId}
          onClick={() => {
            item.onSelect()
            onClose()
          }}
        >
          {item.icon}
          {item.label}
        </button>
      ))}
    </div>
  )
}
