import { useMemo } from 'preact/hooks';
import qrcode from 'qrcode-generator';

/** The pairing payload as a QR code image (error correction M, drawn as a GIF: crisp at any zoom). */
export default function QrCode({ payload }) {
  const source = useMemo(() => {
    const code = qrcode(0, 'M');
    code.addData(payload);
    code.make();
    return code.createDataURL(6, 4);
  }, [payload]);
  return <img src={source} id="pairing-qr" alt={`QR code for pairing: ${payload}`} class="qr-image" />;
}
