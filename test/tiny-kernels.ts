/**
 * Smallest x86 kernel images of each kind the Unikraft image check must tell apart, built byte by byte so the
 * tests need no toolchain. The multiboot one really boots: it writes its message (GREETING unless given) to the
 * first serial port and halts.
 */

export const GREETING = 'isobench tiny multiboot kernel\n';

const LOAD_ADDRESS = 0x100000;
const EM_386 = 3;
const EM_X86_64 = 62;
const MULTIBOOT_MAGIC = 0x1badb002;

interface ElfSpec {
  bits: 32 | 64;
  machine: number;
  /** Bytes after the headers; `entryOffset` is relative to their start. */
  payload: (payloadAddress: number) => Buffer;
  entryOffset: number;
  /** Contents of a PT_NOTE segment placed after the payload. */
  note?: Buffer;
}

/** An executable ELF whose one PT_LOAD segment maps the whole file at 1 MiB (where multiboot kernels live). */
function elf(spec: ElfSpec): Buffer {
  const is64 = spec.bits === 64;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const phnum = spec.note ? 2 : 1;
  const payloadOffset = ehsize + phentsize * phnum;
  const payload = spec.payload(LOAD_ADDRESS + payloadOffset);
  const noteOffset = payloadOffset + payload.length + ((4 - (payload.length % 4)) % 4);
  const size = noteOffset + (spec.note?.length ?? 0);
  const b = Buffer.alloc(size);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = is64 ? 2 : 1; // class
  b[5] = 1; // little endian
  b[6] = 1; // version
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(spec.machine, 18);
  b.writeUInt32LE(1, 20);
  const entry = LOAD_ADDRESS + payloadOffset + spec.entryOffset;
  if (is64) {
    b.writeBigUInt64LE(BigInt(entry), 24);
    b.writeBigUInt64LE(BigInt(ehsize), 32);
    b.writeUInt16LE(ehsize, 52);
    b.writeUInt16LE(phentsize, 54);
    b.writeUInt16LE(phnum, 56);
    b.writeUInt16LE(64, 58);
  } else {
    b.writeUInt32LE(entry, 24);
    b.writeUInt32LE(ehsize, 28);
    b.writeUInt16LE(ehsize, 40);
    b.writeUInt16LE(phentsize, 42);
    b.writeUInt16LE(phnum, 44);
    b.writeUInt16LE(40, 46);
  }
  const segment = (i: number, type: number, offset: number, length: number, flags: number) => {
    const ph = ehsize + i * phentsize;
    b.writeUInt32LE(type, ph);
    if (is64) {
      b.writeUInt32LE(flags, ph + 4);
      b.writeBigUInt64LE(BigInt(offset), ph + 8);
      b.writeBigUInt64LE(BigInt(LOAD_ADDRESS + offset), ph + 16);
      b.writeBigUInt64LE(BigInt(LOAD_ADDRESS + offset), ph + 24);
      b.writeBigUInt64LE(BigInt(length), ph + 32);
      b.writeBigUInt64LE(BigInt(length), ph + 40);
      b.writeBigUInt64LE(4n, ph + 48);
    } else {
      b.writeUInt32LE(offset, ph + 4);
      b.writeUInt32LE(LOAD_ADDRESS + offset, ph + 8);
      b.writeUInt32LE(LOAD_ADDRESS + offset, ph + 12);
      b.writeUInt32LE(length, ph + 16);
      b.writeUInt32LE(length, ph + 20);
      b.writeUInt32LE(flags, ph + 24);
      b.writeUInt32LE(4, ph + 28);
    }
  };
  segment(0, 1 /* PT_LOAD */, 0, size, 7);
  if (spec.note) segment(1, 4 /* PT_NOTE */, noteOffset, spec.note.length, 4);
  payload.copy(b, payloadOffset);
  spec.note?.copy(b, noteOffset);
  return b;
}

function multibootHeader(flags: number): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt32LE(MULTIBOOT_MAGIC, 0);
  h.writeUInt32LE(flags, 4);
  h.writeUInt32LE((2 ** 32 - ((MULTIBOOT_MAGIC + flags) % 2 ** 32)) % 2 ** 32, 8);
  return h;
}

/**
 * 32-bit code run at the multiboot entry: write the string at `message` to COM1, then halt for good. Each byte waits
 * for the transmit register to be empty (LSR bit 5), as a real driver does: QEMU overwrites a byte still waiting for
 * a busy host to read the console, and a replayed line with a byte missing no longer matches its rule.
 */
function serialHello(message: number): Buffer {
  const code = Buffer.from([
    0xbe, 0, 0, 0, 0, //       mov esi, message
    0xac, //                   next: lodsb
    0x84, 0xc0, //             test al, al
    0x74, 0x14, //             jz halt
    0x88, 0xc3, //             mov bl, al
    0x66, 0xba, 0xfd, 0x03, // wait: mov dx, 0x3fd (LSR)
    0xec, //                   in al, dx
    0xa8, 0x20, //             test al, 0x20 (THRE)
    0x74, 0xf7, //             jz wait
    0x88, 0xd8, //             mov al, bl
    0x66, 0xba, 0xf8, 0x03, // mov dx, 0x3f8
    0xee, //                   out dx, al
    0xeb, 0xe7, //             jmp next
    0xfa, //                   halt: cli
    0xf4, //                   hlt
    0xeb, 0xfd, //             jmp hlt
  ]);
  code.writeUInt32LE(message, 1);
  return code;
}

function multibootElf(bits: 32 | 64, machine: number, message: string): Buffer {
  // The code stops at the first NUL.
  if (message.includes('\0')) throw new Error('a tiny kernel message cannot contain NUL');
  const header = multibootHeader(0);
  return elf({
    bits,
    machine,
    entryOffset: header.length,
    payload: (address) => {
      const codeLength = serialHello(0).length;
      const messageAddress = address + header.length + codeLength;
      return Buffer.concat([header, serialHello(messageAddress), Buffer.from(`${message}\0`, 'latin1')]);
    },
  });
}

/** What Unikraft's build leaves as `<name>_qemu-x86_64`: a 32-bit ELF with a multiboot header. QEMU boots it. */
export const multibootElf32 = (message = GREETING): Buffer => multibootElf(32, EM_386, message);

/** What Unikraft's build leaves as `<name>_qemu-x86_64.dbg`: the same as a 64-bit ELF, which QEMU refuses. */
export const multibootElf64 = (): Buffer => multibootElf(64, EM_X86_64, GREETING);

/** A 64-bit ELF without multiboot header whose PVH note (Xen, type 18) names its 32-bit entry. */
export function pvhElf64(): Buffer {
  const note = Buffer.alloc(20);
  note.writeUInt32LE(4, 0); // namesz ("Xen\0")
  note.writeUInt32LE(4, 4); // descsz
  note.writeUInt32LE(18, 8); // XEN_ELFNOTE_PHYS32_ENTRY
  note.write('Xen\0', 12, 'latin1');
  note.writeUInt32LE(LOAD_ADDRESS, 16);
  return elf({ bits: 64, machine: EM_X86_64, entryOffset: 0, payload: () => Buffer.from([0xf4]), note });
}

/** An ELF for another architecture (arm64). */
export const arm64Elf = (): Buffer => elf({ bits: 64, machine: 183, entryOffset: 0, payload: () => Buffer.alloc(4) });

/** The start of a Linux bzImage: the "HdrS" boot protocol signature at 0x202. */
export function bzImageHeader(): Buffer {
  const b = Buffer.alloc(0x400);
  b.write('HdrS', 0x202, 'latin1');
  return b;
}
